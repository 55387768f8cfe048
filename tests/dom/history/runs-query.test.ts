// The runs list's query building: what 'runs.list' and 'runs.exportCsv' are asked for, and
// that the contract accepts it as the core's dispatch would.
import { describe, expect, it } from 'vitest';
import { runListQuerySchema } from '@contract';
import {
  ariaSort, exportQuery, filterQuery, groupsByLineage, hasFilter, initialListState, listStateFromParams, listStateToParams, nextSort, pageQuery,
} from '../../../renderer/src/history/runs-query';

describe('runs list query', () => {
  it('leaves empty filters out and trims text', () => {
    const state = { ...initialListState(), text: '  alpha ', tag: ' ', role: 'target' as const };
    expect(filterQuery(state)).toEqual({ text: 'alpha', role: 'target' });
    expect(hasFilter(state)).toBe(true);
    expect(hasFilter(initialListState())).toBe(false);
  });

  it('pages with limit and offset; exports the whole filtered list in the same order', () => {
    const state = { ...initialListState(), status: 'completed' as const, dataset: 'mnist', sort: 'testAccuracy' as const, order: 'asc' as const, offset: 100 };
    expect(pageQuery(state)).toEqual({ status: 'completed', dataset: 'mnist', sort: 'testAccuracy', order: 'asc', limit: 50, offset: 100 });
    expect(exportQuery(state)).toEqual({ status: 'completed', dataset: 'mnist', sort: 'testAccuracy', order: 'asc' });
    expect(runListQuerySchema.safeParse(pageQuery(state)).success).toBe(true);
    expect(runListQuerySchema.safeParse(exportQuery(state)).success).toBe(true);
  });

  it('flips the order on the same column and starts a new column at its natural order', () => {
    expect(nextSort({ sort: 'createdAt', order: 'desc' }, 'createdAt')).toEqual({ sort: 'createdAt', order: 'asc' });
    expect(nextSort({ sort: 'createdAt', order: 'desc' }, 'testAccuracy')).toEqual({ sort: 'testAccuracy', order: 'desc' });
    expect(nextSort({ sort: 'createdAt', order: 'desc' }, 'experimentName')).toEqual({ sort: 'experimentName', order: 'asc' });
  });

  it('reports aria-sort for each header', () => {
    expect(ariaSort({ sort: 'duration', order: 'asc' }, 'duration')).toBe('ascending');
    expect(ariaSort({ sort: 'duration', order: 'desc' }, 'duration')).toBe('descending');
    expect(ariaSort({ sort: 'duration', order: 'desc' }, 'status')).toBe('none');
  });

  it('nests lineage only for sorts by creation or experiment', () => {
    expect(groupsByLineage({ sort: 'createdAt' })).toBe(true);
    expect(groupsByLineage({ sort: 'testAccuracy' })).toBe(false);
  });
});

describe('runs list in the address', () => {
  it('writes only what differs from the defaults and reads it back', () => {
    expect(listStateToParams(initialListState())).toBe('');
    const state = { ...initialListState(), status: 'failed' as const, text: ' fashion ', sort: 'testAccuracy' as const, order: 'asc' as const, limit: 100 };
    const params = listStateToParams(state);
    expect(params).toBe('text=fashion&status=failed&sort=testAccuracy&order=asc&limit=100');
    expect(listStateFromParams(new URLSearchParams(params))).toEqual({ ...state, text: 'fashion' });
  });

  it('ignores what is not a valid list state', () => {
    expect(listStateFromParams(new URLSearchParams('status=exploded&sort=colour&order=up&limit=7&offset=-3'))).toEqual(initialListState());
  });
});

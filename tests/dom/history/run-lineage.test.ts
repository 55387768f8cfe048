// Lineage grouping of the runs table: children under parents on the same page, the page's
// order kept among siblings, every row shown exactly once.
import { describe, expect, it } from 'vitest';
import { flatRows, groupByLineage } from '../../../renderer/src/history/run-lineage';

const run = (id: string, parentRunId: string | null = null) => ({ id, parentRunId });
const shape = (rows: ReturnType<typeof groupByLineage>) => rows.map((r) => `${'  '.repeat(r.depth)}${r.run.id}${r.parentElsewhere ? '*' : ''}`);

describe('groupByLineage', () => {
  it('nests target under source and baseline under target, whatever the page order', () => {
    // Newest first: the lone run, then baseline, target, source of one experiment.
    const rows = [run('lone'), run('base', 'tgt'), run('tgt', 'src'), run('src')];
    expect(shape(groupByLineage(rows))).toEqual(['lone', 'src', '  tgt', '    base']);
  });

  it('keeps siblings in page order', () => {
    const rows = [run('t2', 's'), run('s'), run('t1', 's'), run('b1', 't1')];
    expect(shape(groupByLineage(rows))).toEqual(['s', '  t2', '  t1', '    b1']);
  });

  it('leaves a run whose parent is not on the page at the top, marked to link to it', () => {
    const rows = [run('t', 'gone'), run('s'), run('b', 't')];
    expect(shape(groupByLineage(rows))).toEqual(['t*', '  b', 's']);
  });

  it('shows every row once even with a parent cycle or a self-parent', () => {
    const rows = [run('a', 'b'), run('b', 'a'), run('c', 'c'), run('d')];
    const grouped = groupByLineage(rows);
    expect(grouped.map((r) => r.run.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(grouped).toHaveLength(4);
  });

  it('flat rows keep the sort order and mark every child', () => {
    const rows = [run('t', 's'), run('s')];
    expect(shape(flatRows(rows))).toEqual(['t*', 's']);
  });
});

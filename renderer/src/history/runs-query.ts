// The runs list's state (filters, sort, page) and how it becomes a 'runs.list' query.
// Filtering, sorting and paging all happen in SQL in the store; the page only says what.
import type { MethodArgs } from '../../../preload/contract';

type ListArgs = MethodArgs<'runs.list'>;
export type RunSortKey = NonNullable<ListArgs['sort']>;
export type RunStatusName = Extract<NonNullable<ListArgs['status']>, string>;
export type RunRoleName = Extract<NonNullable<ListArgs['role']>, string>;

export const RUN_STATUSES: readonly RunStatusName[] = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'];
export const RUN_ROLES: readonly RunRoleName[] = ['source', 'target', 'baseline'];
export const PAGE_SIZES = [25, 50, 100, 200] as const;

export interface RunsFilter {
  text: string;
  status: RunStatusName | '';
  role: RunRoleName | '';
  tag: string;
  dataset: string;
}

export interface RunsListState extends RunsFilter {
  sort: RunSortKey;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const EMPTY_FILTER: RunsFilter = { text: '', status: '', role: '', tag: '', dataset: '' };

export function initialListState(): RunsListState {
  return { ...EMPTY_FILTER, sort: 'createdAt', order: 'desc', limit: 50, offset: 0 };
}

/** The filter part of a query: empty fields are left out rather than sent as "". */
export function filterQuery(filter: RunsFilter): ListArgs {
  const query: ListArgs = {};
  const text = filter.text.trim();
  if (text) query.text = text;
  if (filter.status) query.status = filter.status;
  if (filter.role) query.role = filter.role;
  const tag = filter.tag.trim();
  if (tag) query.tag = tag;
  if (filter.dataset) query.dataset = filter.dataset;
  return query;
}

/** One page of the list, as 'runs.list' takes it. */
export function pageQuery(state: RunsListState): ListArgs {
  return { ...filterQuery(state), sort: state.sort, order: state.order, limit: state.limit, offset: state.offset };
}

/** The whole filtered list in the current order, as 'runs.exportCsv' takes it (no paging). */
export function exportQuery(state: RunsListState): ListArgs {
  return { ...filterQuery(state), sort: state.sort, order: state.order };
}

export function hasFilter(filter: RunsFilter): boolean {
  return Object.keys(filterQuery(filter)).length > 0;
}

/** Text columns start A→Z; numbers and dates start with the largest (best, newest) first. */
const ascendingFirst: ReadonlySet<RunSortKey> = new Set(['name', 'experimentName', 'architecture', 'datasetName', 'role', 'status']);

/** Clicking a header: the same column flips its order, another column starts at its natural order. */
export function nextSort(state: Pick<RunsListState, 'sort' | 'order'>, column: RunSortKey): Pick<RunsListState, 'sort' | 'order'> {
  if (state.sort === column) return { sort: column, order: state.order === 'asc' ? 'desc' : 'asc' };
  return { sort: column, order: ascendingFirst.has(column) ? 'asc' : 'desc' };
}

export function ariaSort(state: Pick<RunsListState, 'sort' | 'order'>, column: RunSortKey): 'ascending' | 'descending' | 'none' {
  if (state.sort !== column) return 'none';
  return state.order === 'asc' ? 'ascending' : 'descending';
}

/** Lineage nesting reorders rows under their parents, which would break a sort by e.g. accuracy. */
export function groupsByLineage(state: Pick<RunsListState, 'sort'>): boolean {
  return state.sort === 'createdAt' || state.sort === 'experimentName';
}

// The runs list's state (filters, sort, page) and how it becomes a 'runs.list' query.
// Filtering, sorting and paging all happen in SQL in the store; the page only says what.
import type { MethodArgs } from '@contract';

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

const SORT_KEYS: readonly RunSortKey[] = ['createdAt', 'startedAt', 'endedAt', 'status', 'role', 'name', 'architecture', 'datasetName', 'testAccuracy', 'experimentName', 'duration', 'transferGain'];

/**
 * The list's filters and sort as URL parameters (#/runs?status=failed&sort=testAccuracy),
 * so a reload or a shared link shows the same list. Defaults are left out.
 */
export function listStateToParams(state: RunsListState): string {
  const initial = initialListState();
  const params = new URLSearchParams();
  for (const key of ['text', 'status', 'role', 'tag', 'dataset', 'sort', 'order', 'limit', 'offset'] as const) {
    const value = key === 'text' || key === 'tag' ? state[key].trim() : state[key];
    if (value !== initial[key]) params.set(key, String(value));
  }
  return params.toString();
}

/** The list state a URL's parameters describe; anything missing or invalid is the default. */
export function listStateFromParams(params: URLSearchParams): RunsListState {
  const state = initialListState();
  const text = (key: string) => (params.get(key) ?? '').slice(0, 200);
  const whole = (key: string, min: number) => {
    const n = Number(params.get(key));
    return Number.isInteger(n) && n >= min ? n : null;
  };
  state.text = text('text');
  state.tag = text('tag');
  state.dataset = text('dataset');
  const status = params.get('status');
  if (status && (RUN_STATUSES as readonly string[]).includes(status)) state.status = status as RunStatusName;
  const role = params.get('role');
  if (role && (RUN_ROLES as readonly string[]).includes(role)) state.role = role as RunRoleName;
  const sort = params.get('sort');
  if (sort && (SORT_KEYS as readonly string[]).includes(sort)) state.sort = sort as RunSortKey;
  const order = params.get('order');
  if (order === 'asc' || order === 'desc') state.order = order;
  const limit = whole('limit', 1);
  if (limit !== null && (PAGE_SIZES as readonly number[]).includes(limit)) state.limit = limit;
  state.offset = whole('offset', 0) ?? 0;
  return state;
}

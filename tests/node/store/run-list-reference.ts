// The run list computed the slow, obvious way in JavaScript, to check the SQL version
// (store.runs.list) against. Shared by the small exhaustive test (run-list.test.ts) and the
// 10,000-run one (runs-10k.test.ts), which keep their own records of what they wrote.
import type { RunListQuery, RunRole, RunSortColumn, RunStatus } from '../../../main/store';

/** The fields of a run the list filters on; a test's own record of a run carries at least these. */
export interface ListableRun {
  id: string;
  status: RunStatus;
  role: RunRole;
  tags: string[];
  name: string | null;
  notes: string;
  architecture: string | null;
  datasetName: string | null;
  experimentName: string;
  experimentId?: string;
  parentRunId?: string | null;
}

/** How to read each sort column from a test's run record (null: the value is missing). */
export type SortValues<R> = Partial<Record<RunSortColumn, (r: R) => string | number | null>>;

/** The page store.runs.list(query) should return for `runs`: ids in order, and the total matching. */
export function referenceRunList<R extends ListableRun>(
  runs: readonly R[],
  sortValues: SortValues<R>,
  query: RunListQuery,
): { ids: string[]; total: number } {
  const text = query.text?.toLowerCase();
  const statuses = query.status === undefined ? null : [query.status].flat();
  const roles = query.role === undefined ? null : [query.role].flat();
  const matching = runs.filter((r) =>
    (!statuses || statuses.includes(r.status)) &&
    (!roles || roles.includes(r.role)) &&
    (!query.tag || r.tags.includes(query.tag)) &&
    (!query.dataset || r.datasetName === query.dataset) &&
    (!query.experimentId || r.experimentId === query.experimentId) &&
    (!query.parentRunId || r.parentRunId === query.parentRunId) &&
    (!text || [r.id, r.name, r.notes, r.architecture, r.datasetName, r.experimentName, ...r.tags]
      .some((v) => v?.toLowerCase().includes(text))));
  const sort = query.sort ?? 'createdAt';
  const key = sortValues[sort];
  if (key === undefined) throw new Error(`referenceRunList: no sort value given for '${sort}'`);
  const sign = query.order === 'asc' ? 1 : -1;
  // Missing values last in either order; ties broken by id in the same direction.
  const sorted = [...matching].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? sign * (a.id < b.id ? -1 : 1) : x === null ? 1 : -1;
    if (x !== y) return sign * (x < y ? -1 : 1);
    return sign * (a.id < b.id ? -1 : 1);
  });
  const offset = query.offset ?? 0;
  return { ids: sorted.slice(offset, offset + (query.limit ?? 50)).map((r) => r.id), total: matching.length };
}

// The run list behind the history view and `transfer-lab runs`: filtering, sorting and
// paging all happen in SQL so a page of a large history costs the same as a small one.
// Sort keys come from a whitelist; user text only ever reaches SQL as a bound parameter.
import type { Database, Statement } from 'better-sqlite3';
import { RUN_COLUMNS, RUN_FROM, RUN_TRANSFER_GAIN, runRoles, runStatuses, toRun } from './run-row';
import type { Run, RunRole, RunRow, RunStatus } from './run-row';
import { StoreError } from './store-error';

/** Sortable columns: the API name → its SQL expression. */
const sortColumns = {
  createdAt: 'r.created_at',
  startedAt: 'r.started_at',
  endedAt: 'r.ended_at',
  status: 'r.status',
  role: 'r.role',
  name: 'r.name COLLATE NOCASE',
  testAccuracy: 'r.test_accuracy',
  architecture: 'r.architecture',
  datasetName: 'r.dataset_name',
  experimentName: 'e.name COLLATE NOCASE',
  duration: '(r.ended_at - r.started_at)',
  transferGain: RUN_TRANSFER_GAIN,
} as const;

export type RunSortColumn = keyof typeof sortColumns;
export const runSortColumns = Object.keys(sortColumns) as RunSortColumn[];
export const MAX_PAGE_SIZE = 10_000;

export interface RunListQuery {
  /** Case-insensitive substring of the run's id, name, notes, architecture, dataset name, experiment name or a tag. */
  text?: string;
  status?: RunStatus | RunStatus[];
  role?: RunRole | RunRole[];
  /** Runs that carry this tag. */
  tag?: string;
  /** Runs whose datasetName equals this. */
  dataset?: string;
  experimentId?: string;
  parentRunId?: string;
  /** Default 'createdAt'. */
  sort?: RunSortColumn;
  /** Default 'desc'. Missing values sort last either way. */
  order?: 'asc' | 'desc';
  /** Default 50, at most MAX_PAGE_SIZE. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

export interface RunPage {
  rows: Run[];
  /** How many runs match the filters, ignoring limit and offset. */
  total: number;
}

function asList<T extends string>(value: T | T[] | undefined, allowed: readonly T[], field: string): T[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const v of list) {
    if (!allowed.includes(v)) throw new StoreError('invalid', `${field}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return list;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function integerIn(value: number | undefined, fallback: number, min: number, max: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StoreError('invalid', `${field}: expected an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

interface CompiledQuery {
  where: string;
  orderBy: string;
  params: Record<string, unknown>;
  limit: number;
  offset: number;
}

function compile(query: RunListQuery): CompiledQuery {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const statuses = asList(query.status, runStatuses, 'status');
  if (statuses.length > 0) {
    where.push(`r.status IN (${statuses.map((_, i) => `@status${i}`).join(', ')})`);
    statuses.forEach((s, i) => (params[`status${i}`] = s));
  }
  const roles = asList(query.role, runRoles, 'role');
  if (roles.length > 0) {
    where.push(`r.role IN (${roles.map((_, i) => `@role${i}`).join(', ')})`);
    roles.forEach((s, i) => (params[`role${i}`] = s));
  }
  if (query.experimentId !== undefined) {
    where.push('r.experiment_id = @experimentId');
    params.experimentId = query.experimentId;
  }
  if (query.parentRunId !== undefined) {
    where.push('r.parent_run_id = @parentRunId');
    params.parentRunId = query.parentRunId;
  }
  if (query.dataset !== undefined) {
    where.push('r.dataset_name = @dataset');
    params.dataset = query.dataset;
  }
  if (query.tag !== undefined) {
    where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = @tag)');
    params.tag = query.tag.trim();
  }
  const text = query.text?.trim();
  if (text) {
    params.text = `%${escapeLike(text)}%`;
    const like = (column: string) => `${column} LIKE @text ESCAPE '\\'`;
    where.push(`(${[
      like('r.id'), like('r.name'), like('r.notes'), like('r.architecture'), like('r.dataset_name'), like('e.name'),
      `EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND ${like('t.tag')})`,
    ].join(' OR ')})`);
  }
  const sort = query.sort ?? 'createdAt';
  if (!Object.hasOwn(sortColumns, sort)) {
    throw new StoreError('invalid', `sort: expected one of ${runSortColumns.join(', ')}, got ${JSON.stringify(sort)}`);
  }
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw new StoreError('invalid', `order: expected "asc" or "desc", got ${JSON.stringify(order)}`);
  }
  const direction = order.toUpperCase();
  return {
    where: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    // The id tie-break makes paging stable when many rows share a sort value.
    orderBy: `ORDER BY ${sortColumns[sort]} ${direction} NULLS LAST, r.id ${direction}`,
    params,
    limit: integerIn(query.limit, 50, 1, MAX_PAGE_SIZE, 'limit'),
    offset: integerIn(query.offset, 0, 0, Number.MAX_SAFE_INTEGER, 'offset'),
  };
}

export class RunList {
  /** Statements by SQL text: the set of filter combinations is small and fixed. */
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  list(query: RunListQuery = {}): RunPage {
    const q = compile(query);
    // Pick the page's ids first, then build full rows (tags, JSON) for those ids only.
    const pageSql = `SELECT ${RUN_COLUMNS} FROM ${RUN_FROM}
      WHERE r.id IN (SELECT r.id FROM ${RUN_FROM} ${q.where} ${q.orderBy} LIMIT @limit OFFSET @offset)
      ${q.orderBy}`;
    const countSql = `SELECT count(*) AS total FROM ${RUN_FROM} ${q.where}`;
    // One read transaction so rows and total describe the same snapshot.
    return this.db.transaction(() => {
      const rows = this.statement(pageSql).all({ ...q.params, limit: q.limit, offset: q.offset }) as RunRow[];
      const { total } = this.statement(countSql).get(q.params) as { total: number };
      return { rows: rows.map(toRun), total };
    })();
  }
}

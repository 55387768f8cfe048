// Lineage in the runs table: target and baseline runs are shown under the run they came
// from (parentRunId) when that run is on the same page, keeping the page's sort order
// among siblings. A run whose parent is on another page stays where the sort put it and
// says where it came from instead.

export interface LineageRun {
  id: string;
  parentRunId: string | null;
}

export interface LineageRow<T extends LineageRun> {
  run: T;
  /** 0 for a row shown at the top level; 1 for a child under its parent, and so on. */
  depth: number;
  /** The parent is elsewhere (another page, filtered out, deleted): link to it by id. */
  parentElsewhere: boolean;
}

export function groupByLineage<T extends LineageRun>(rows: readonly T[]): LineageRow<T>[] {
  const onPage = new Set(rows.map((r) => r.id));
  const children = new Map<string, T[]>();
  for (const run of rows) {
    if (run.parentRunId !== null && onPage.has(run.parentRunId) && run.parentRunId !== run.id) {
      const list = children.get(run.parentRunId) ?? [];
      list.push(run);
      children.set(run.parentRunId, list);
    }
  }
  const out: LineageRow<T>[] = [];
  const placed = new Set<string>();
  const place = (run: T, depth: number) => {
    if (placed.has(run.id)) return;
    placed.add(run.id);
    out.push({ run, depth, parentElsewhere: depth === 0 && run.parentRunId !== null });
    for (const child of children.get(run.id) ?? []) place(child, depth + 1);
  };
  for (const run of rows) {
    const hasParentHere = run.parentRunId !== null && onPage.has(run.parentRunId) && run.parentRunId !== run.id;
    if (!hasParentHere) place(run, 0);
  }
  // Rows caught in a parent cycle (which the core never writes, but a hand-edited
  // database could hold) have no root; show them flat rather than losing them.
  for (const run of rows) place(run, 0);
  return out;
}

/** The rows in page order without grouping, for sorts where nesting would mislead. */
export function flatRows<T extends LineageRun>(rows: readonly T[]): LineageRow<T>[] {
  return rows.map((run) => ({ run, depth: 0, parentElsewhere: run.parentRunId !== null }));
}

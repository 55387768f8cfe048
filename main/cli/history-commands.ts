// `transfer-lab runs` and `transfer-lab show <run id>`: read the recorded history.
import { describeTimings, runTimings } from '../services/phase-timings';
import { createStore, defaultDatabasePath, runStatuses, runRoles, type RunStatus, type RunRole } from '../store';
import { runReport } from '../services/experiment-report';
import { importRunBundle } from '../services/run-bundle';
import { readJsonFile } from './json-file';
import { UserError } from './user-error';
import { formatDate, formatDuration, formatPercent, inert } from './format';

interface ListOptions {
  db?: string;
  json: boolean;
  status?: string;
  role?: string;
  text?: string;
  limit?: string;
}

function openStore(db?: string) {
  return createStore(db ?? defaultDatabasePath());
}

export function runsCommand(options: ListOptions): number {
  if (options.status && !runStatuses.includes(options.status as RunStatus)) {
    throw new UserError(`--status must be one of ${runStatuses.join(', ')}`);
  }
  if (options.role && !runRoles.includes(options.role as RunRole)) {
    throw new UserError(`--role must be one of ${runRoles.join(', ')}`);
  }
  const limit = options.limit === undefined ? 50 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a positive whole number, got "${options.limit}"`);
  const store = openStore(options.db);
  try {
    const page = store.runs.list({
      status: options.status as RunStatus | undefined,
      role: options.role as RunRole | undefined,
      text: options.text,
      limit,
    });
    if (options.json) {
      process.stdout.write(JSON.stringify(page, null, 2) + '\n');
      return 0;
    }
    if (page.total === 0) {
      process.stdout.write('No runs yet — try: transfer-lab run resources/examples/tiny-smoke.json\n');
      return 0;
    }
    for (const run of page.rows) {
      // Every stored value is printable: an odd date or name shows as "–" or escaped, never hides the other rows.
      const acc = run.testAccuracy === null ? '–' : formatPercent(run.testAccuracy);
      const duration = run.startedAt && run.endedAt ? formatDuration(run.endedAt - run.startedAt) : '–';
      process.stdout.write(
        `${run.id}  ${formatDate(run.createdAt).padEnd(16)}  ${run.role.padEnd(8)} ${run.status.padEnd(11)} ${acc.padStart(8)}  ${duration.padStart(10)}  ${inert(run.experimentName)}\n`,
      );
    }
    if (page.total > page.rows.length) process.stdout.write(`(${page.rows.length} of ${page.total}; use --limit)\n`);
    return 0;
  } finally {
    store.close();
  }
}

export function showCommand(idOrPrefix: string, options: { db?: string; json: boolean }): number {
  const store = openStore(options.db);
  try {
    let id: string;
    try {
      id = store.runs.resolveId(idOrPrefix);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    const run = store.runs.require(id);
    const report = runReport(store, run);
    if (options.json) {
      process.stdout.write(JSON.stringify({ run, report }, null, 2) + '\n');
      return 0;
    }
    const out = (s: string) => process.stdout.write(s + '\n');
    out(`run ${run.id} (${run.role}) of "${inert(run.experimentName)}"`);
    out(`status       ${run.status}${run.error ? ` — ${inert(run.error)}` : ''}`);
    out(`architecture ${inert(run.architecture ?? '–')}; frozen: ${run.frozenLayers.length ? inert(run.frozenLayers.join(', ')) : 'none'}`);
    out(`dataset      ${inert(run.datasetName ?? '–')}`);
    out(`backend      ${inert(report.backend ?? '–')}`);
    const timings = runTimings(run);
    if (timings) out(`time         ${describeTimings(timings)}`);
    if (run.parentRunId) out(`parent       ${run.parentRunId}`);
    for (const warning of report.warnings) out(`warning      ${inert(warning)}`);
    for (const e of report.epochs) {
      const val = e.valAccuracy === null ? '' : `  val_acc ${formatPercent(e.valAccuracy)}`;
      out(`  epoch ${e.epoch}: loss ${e.loss?.toFixed(4) ?? '–'}  acc ${e.accuracy === null ? '–' : formatPercent(e.accuracy)}${val}`);
    }
    if (report.evaluation) {
      out(`test accuracy ${formatPercent(report.evaluation.accuracy)}`);
      for (const c of report.evaluation.perClass) {
        out(`  ${inert(c.className).padEnd(12)} precision ${formatPercent(c.precision)}  recall ${formatPercent(c.recall)}  F1 ${c.f1.toFixed(3)}  (${c.support})`);
      }
    }
    return 0;
  } finally {
    store.close();
  }
}

export function importCommand(file: string, options: { db?: string }): number {
  const bundle = readJsonFile(file, 'bundle');
  const store = openStore(options.db);
  try {
    let run;
    try {
      run = importRunBundle(store, bundle);
    } catch (err) {
      throw new UserError(`${file}: ${(err as Error).message}`);
    }
    process.stdout.write(`imported run ${run.id} (${run.role}, ${run.status}) of "${inert(run.experimentName)}"\n`);
    return 0;
  } finally {
    store.close();
  }
}

// `transfer-lab runs`, `transfer-lab show <run id>` and `transfer-lab import <bundle>`: the
// recorded history, through runs.list, runs.get and runs.importBundle.
import type { MethodArgs } from '@contract';
import { openCore, type CoreClient } from './core-client';
import { describeTimings, runTimings } from '../services/phase-timings';
import { readJsonFile } from './json-file';
import { CallError, UserError } from './user-error';
import { formatDate, formatDuration, formatPercent, inert } from './format';

interface ListOptions {
  db?: string;
  json: boolean;
  status?: string;
  role?: string;
  text?: string;
  limit?: string;
}

/** Runs `use` against the core and closes it, whatever happens. */
async function withCore<T>(db: string | undefined, use: (core: CoreClient) => Promise<T>): Promise<T> {
  const core = openCore({ db });
  try {
    return await use(core);
  } finally {
    await core.close();
  }
}

/** Run ids as typed: any case, with stray spaces. */
function runIdOf(text: string): string {
  return text.trim().toLowerCase();
}

export function runsCommand(options: ListOptions): Promise<number> {
  const limit = options.limit === undefined ? 50 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a positive whole number, got "${options.limit}"`);
  const query = { status: options.status, role: options.role, text: options.text, limit } as MethodArgs<'runs.list'>;
  return withCore(options.db, async (core) => {
    let page;
    try {
      page = await core.call('runs.list', query);
    } catch (err) {
      // The contract names the argument ("runs.list: status: …"); the user typed a flag.
      if (err instanceof CallError) throw new CallError(err.errorCode, err.message.replace(/^runs\.list: (\w+):/, '--$1:'));
      throw err;
    }
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
  });
}

export function showCommand(idOrPrefix: string, options: { db?: string; json: boolean }): Promise<number> {
  return withCore(options.db, async (core) => {
    const { run, report } = await core.call('runs.get', { runId: runIdOf(idOrPrefix) });
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
  });
}

export function importCommand(file: string, options: { db?: string }): Promise<number> {
  const bundle = readJsonFile(file, 'bundle');
  return withCore(options.db, async (core) => {
    let runId: string;
    try {
      ({ runId } = await core.call('runs.importBundle', { bundle }));
    } catch (err) {
      if (err instanceof CallError) throw new CallError(err.errorCode, `${file}: ${err.message}`);
      throw err;
    }
    const { run } = await core.call('runs.get', { runId });
    process.stdout.write(`imported run ${run.id} (${run.role}, ${run.status}) of "${inert(run.experimentName)}"\n`);
    return 0;
  });
}

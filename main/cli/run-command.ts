// `transfer-lab run <spec.json>`: runs an experiment headless, through experiments.start.
// Progress goes to stderr (a live bar on a terminal, one line per epoch otherwise) so stdout
// stays clean for --json. Ctrl-C (or SIGTERM, or closing the terminal) cancels cleanly: the
// worker is asked to stop and what was recorded is kept.
import { openCore } from './core-client';
import { readJsonFile } from './json-file';
import type { ExperimentSpecInput } from '@contract/spec';
import { CallError, EXIT_CANCELLED, EXIT_CODES } from './user-error';
import { followExperiment } from './follow-experiment';
import { formatPercent, inert } from './format';
import { transferGainLine } from './transfer-gain-text';

export interface RunOptions {
  db?: string;
  json: boolean;
  /** Leave out the from-scratch baseline the spec asks for (said on stderr). */
  noBaseline?: boolean;
}

export async function runCommand(specFile: string, options: RunOptions): Promise<number> {
  const spec = readJsonFile(specFile, 'spec');
  if (options.noBaseline) process.stderr.write(`${withoutBaseline(spec)}\n`);
  const core = openCore({ db: options.db });
  try {
    const { started, finished } = await followExperiment(core, () => core.call('experiments.start', { spec: spec as ExperimentSpecInput }));
    const report = await core.call('experiments.get', { experimentId: started.experimentId });
    if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    // A mistake in the input found by the worker (an unknown class, a missing file, a freeze
    // layer the model lacks) is told like one found in the spec: one line, exit 2. The failed
    // runs stay recorded.
    if (finished.status === 'failed' && finished.errorCode && EXIT_CODES[finished.errorCode] === 2) {
      throw new CallError(finished.errorCode, finished.error ?? 'the experiment failed');
    }
    if (!options.json) {
      for (const run of report.runs) {
        const acc = run.evaluation ? `test accuracy ${formatPercent(run.evaluation.accuracy)}` : inert(run.error);
        process.stdout.write(`${run.role.padEnd(8)} ${run.id}  ${run.status.padEnd(9)}  ${acc}\n`);
        for (const warning of run.warnings) process.stdout.write(`${''.padEnd(8)} warning: ${inert(warning)}\n`);
      }
      if (report.transferGain) process.stdout.write(`${transferGainLine(report.transferGain)}\n`);
      process.stdout.write(`experiment ${started.experimentId} ${finished.status}${finished.error ? `: ${finished.error}` : ''}\n`);
    }
    return finished.status === 'completed' ? 0 : finished.status === 'cancelled' ? EXIT_CANCELLED : 1;
  } finally {
    await core.close();
  }
}

/**
 * Turns the spec's baseline off (--no-baseline) and says what that means. A spec that is not
 * an object is left for the core to refuse, naming what is wrong.
 */
function withoutBaseline(spec: unknown): string {
  const target = (spec as { target?: unknown } | null)?.target;
  if (!target || typeof target !== 'object') return 'no baseline (--no-baseline): the spec has no target, so there was no baseline to leave out';
  const wanted = (target as { baseline?: unknown }).baseline === true;
  (target as { baseline?: unknown }).baseline = false;
  return wanted
    ? 'no baseline (--no-baseline): the from-scratch baseline the spec asks for is left out, so there will be no transfer gain to compare'
    : 'no baseline (--no-baseline): the spec did not ask for one either';
}

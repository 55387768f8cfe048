// `transfer-lab train-more <run id> --epochs N` and `transfer-lab resume <run id>`: continue a
// recorded run from its last checkpoint as a new, linked run, through runs.trainMore and
// runs.resume. Progress goes to stderr as for `run`; --json prints the new run's report at the
// end. Ctrl-C cancels the new run cleanly.
import { openCore, type CoreClient } from './core-client';
import { CallError, EXIT_CANCELLED, EXIT_CODES, UserError } from './user-error';
import { followExperiment, type Started } from './follow-experiment';
import { formatPercent } from './format';

export interface ContinueOptions {
  db?: string;
  json: boolean;
}

export function trainMoreCommand(runId: string, epochsText: string | undefined, options: ContinueOptions): Promise<number> {
  if (epochsText === undefined) throw new UserError('train-more needs --epochs N (how many more epochs to train)');
  const epochs = Number(epochsText);
  if (!Number.isInteger(epochs) || epochs < 1) throw new UserError(`--epochs must be a positive whole number, got "${epochsText}"`);
  return follow(options, (core) => core.call('runs.trainMore', { runId, epochs }));
}

export function resumeCommand(runId: string, options: ContinueOptions): Promise<number> {
  return follow(options, (core) => core.call('runs.resume', { runId }));
}

async function follow(options: ContinueOptions, begin: (core: CoreClient) => Promise<Started>): Promise<number> {
  const core = openCore({ db: options.db });
  try {
    const { started, finished } = await followExperiment(core, () => begin(core));
    const [run] = started.runs;
    const report = (await core.call('experiments.get', { experimentId: started.experimentId })).runs.find((r) => r.id === run.id);
    if (options.json) process.stdout.write(JSON.stringify(report ?? null, null, 2) + '\n');
    if (finished.status === 'failed' && finished.errorCode && EXIT_CODES[finished.errorCode] === 2) {
      throw new CallError(finished.errorCode, finished.error ?? 'the run failed');
    }
    if (!options.json) {
      const acc = report?.evaluation ? `test accuracy ${formatPercent(report.evaluation.accuracy)}` : report?.error ?? '';
      process.stdout.write(`${run.role.padEnd(8)} ${run.id}  ${finished.status.padEnd(9)}  ${acc}\n`);
    }
    return finished.status === 'completed' ? 0 : finished.status === 'cancelled' ? EXIT_CANCELLED : 1;
  } finally {
    await core.close();
  }
}

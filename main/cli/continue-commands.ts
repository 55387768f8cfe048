// `transfer-lab train-more <run id> --epochs N` and `transfer-lab resume <run id>`: continue a
// recorded run from its last checkpoint as a new, linked run. Progress goes to stderr as for
// `run`; --json prints the new run's report at the end. Ctrl-C cancels the new run cleanly.
import { createAppContext, type AppContext } from '../services/app-context';
import { ExperimentError, type StartedExperiment } from '../services/experiments';
import { UserError, isUserInputError } from './user-error';
import { ProgressPrinter } from './progress-printer';
import { formatPercent } from './format';
import { onStopRequest } from './stop-signals';

export interface ContinueOptions {
  db?: string;
  json: boolean;
}

export function trainMoreCommand(runId: string, epochsText: string | undefined, options: ContinueOptions): Promise<number> {
  if (epochsText === undefined) throw new UserError('train-more needs --epochs N (how many more epochs to train)');
  const epochs = Number(epochsText);
  if (!Number.isInteger(epochs) || epochs < 1) throw new UserError(`--epochs must be a positive whole number, got "${epochsText}"`);
  return follow(options, (app) => app.experiments.trainMore(runId, epochs));
}

export function resumeCommand(runId: string, options: ContinueOptions): Promise<number> {
  return follow(options, (app) => app.experiments.resume(runId));
}

async function follow(options: ContinueOptions, begin: (app: AppContext) => Promise<StartedExperiment>): Promise<number> {
  const app = createAppContext({ databaseFile: options.db });
  try {
    let started: StartedExperiment;
    try {
      started = await begin(app);
    } catch (err) {
      // Unknown run, wrong status, no checkpoint: the user's input, not a crash.
      if (err instanceof ExperimentError) throw new UserError(err.message);
      throw err;
    }
    const [run] = started.runs;
    const printer = new ProgressPrinter(process.stderr, new Map([[run.id, run.role]]));
    const unsubscribe = app.supervisor.subscribe((event) => {
      if (event.experimentId === started.experimentId) printer.handle(event);
    });
    const stopListening = onStopRequest(() => {
      process.stderr.write('\nCancelling… (press Ctrl-C again to stop at once)\n');
      app.experiments.cancel(started.experimentId);
    });
    const outcome = await started.done;
    stopListening();
    unsubscribe();
    printer.finish();

    const report = app.experiments.report(started.experimentId).runs.find((r) => r.id === run.id);
    if (options.json) process.stdout.write(JSON.stringify(report ?? null, null, 2) + '\n');
    if (outcome.status === 'failed' && isUserInputError(outcome.errorCode)) throw new UserError(outcome.error ?? 'the run failed');
    if (!options.json) {
      const acc = report?.evaluation ? `test accuracy ${formatPercent(report.evaluation.accuracy)}` : report?.error ?? '';
      process.stdout.write(`${run.role.padEnd(8)} ${run.id}  ${outcome.status.padEnd(9)}  ${acc}\n`);
    }
    return outcome.status === 'completed' ? 0 : outcome.status === 'cancelled' ? 130 : 1;
  } finally {
    await app.close();
  }
}

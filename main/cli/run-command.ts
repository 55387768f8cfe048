// `transfer-lab run <spec.json>`: runs an experiment headless. Progress goes to stderr (a
// live bar on a terminal, one line per epoch otherwise) so stdout stays clean for --json.
// Ctrl-C (or SIGTERM, or closing the terminal) cancels cleanly: the worker is asked to stop
// and what was recorded is kept.
import { createAppContext } from '../services/app-context';
import { readJsonFile } from './json-file';
import { UserError, isUserInputError } from './user-error';
import { onStopRequest } from './stop-signals';
import { ProgressPrinter } from './progress-printer';
import { formatPercent, inert } from './format';

export interface RunOptions {
  db?: string;
  json: boolean;
}

export async function runCommand(specFile: string, options: RunOptions): Promise<number> {
  const input = readJsonFile(specFile, 'spec');
  const app = createAppContext({ databaseFile: options.db });
  try {
    const started = app.experiments.start(input);
    const roles = new Map(started.runs.map((r) => [r.id, r.role]));
    const printer = new ProgressPrinter(process.stderr, roles);
    const unsubscribe = app.supervisor.subscribe((event) => {
      if (event.experimentId === started.experimentId) printer.handle(event);
    });

    const stopListening = onStopRequest((signal) => {
      process.stderr.write(`\n${signal === 'SIGINT' ? '' : `Received ${signal}. `}Cancelling… (press Ctrl-C again to stop at once)\n`);
      app.experiments.cancel(started.experimentId);
    });
    const outcome = await started.done;
    stopListening();
    unsubscribe();
    printer.finish();

    const report = app.experiments.report(started.experimentId);
    if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    // A mistake in the input found by the worker (an unknown class, a missing file, a freeze
    // layer the model lacks) is told like one found in the spec: one line, exit 2. The failed
    // runs stay recorded.
    if (outcome.status === 'failed' && isUserInputError(outcome.errorCode)) throw new UserError(outcome.error ?? 'the experiment failed');
    if (!options.json) {
      for (const run of report.runs) {
        const acc = run.evaluation ? `test accuracy ${formatPercent(run.evaluation.accuracy)}` : inert(run.error);
        process.stdout.write(`${run.role.padEnd(8)} ${run.id}  ${run.status.padEnd(9)}  ${acc}\n`);
        for (const warning of run.warnings) process.stdout.write(`${''.padEnd(8)} warning: ${inert(warning)}\n`);
      }
      if (report.transferGain) {
        const g = report.transferGain;
        const sign = g.accuracyDelta >= 0 ? '+' : '−';
        const points = Math.abs(g.accuracyDelta * 100).toFixed(1);
        const reached = g.epochReachingBaseline === null ? 'never reached the baseline\'s final validation accuracy' : `reached the baseline's final validation accuracy at epoch ${g.epochReachingBaseline}`;
        process.stdout.write(`transfer gain: ${sign}${points} points of test accuracy; ${reached}\n`);
      }
      process.stdout.write(`experiment ${started.experimentId} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}\n`);
    }
    return outcome.status === 'completed' ? 0 : outcome.status === 'cancelled' ? 130 : 1;
  } finally {
    await app.close();
  }
}

// Starts an experiment through a contract call and follows it on the terminal through the
// contract's events until it finishes: progress to stderr, Ctrl-C (or SIGTERM, or a closed
// terminal) cancels it through experiments.cancel, so what was recorded is kept.
import type { ContractEvent, EventPayload, RunRole } from '@contract';
import type { CoreClient } from './core-client';
import { ProgressPrinter } from './progress-printer';
import { onStopRequest } from './stop-signals';

export interface Started {
  experimentId: string;
  runs: { id: string; role: RunRole }[];
}

export interface Followed {
  started: Started;
  finished: EventPayload<'experiment-finished'>;
}

export async function followExperiment(core: CoreClient, start: () => Promise<Started>): Promise<Followed> {
  // Listen before starting, so no event of the new experiment can pass unseen.
  const early: ContractEvent[] = [];
  let deliver = (event: ContractEvent) => void early.push(event);
  const unsubscribe = core.on((event) => deliver(event));
  try {
    const started = await start();
    const printer = new ProgressPrinter(process.stderr, new Map(started.runs.map((r) => [r.id, r.role])));
    let stopListening = () => {};
    const finished = await new Promise<EventPayload<'experiment-finished'>>((resolve) => {
      deliver = (event) => {
        // Downloads carry no experiment id; nothing else downloads while the CLI runs one.
        // A study's events belong to no experiment.
        if (event.name === 'study-progress' || event.name === 'study-finished') return;
        if (event.name !== 'download-progress' && event.payload.experimentId !== started.experimentId) return;
        printer.handle(event);
        if (event.name === 'experiment-finished') resolve(event.payload);
      };
      stopListening = onStopRequest((signal) => {
        process.stderr.write(`\n${signal === 'SIGINT' ? '' : `Received ${signal}. `}Cancelling… (press Ctrl-C again to stop at once)\n`);
        void core.call('experiments.cancel', { experimentId: started.experimentId });
      });
      for (const event of early.splice(0)) deliver(event);
    });
    stopListening();
    printer.finish();
    return { started, finished };
  } finally {
    unsubscribe();
  }
}

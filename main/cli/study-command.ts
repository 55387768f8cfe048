// `transfer-lab study <spec.json>` runs a study; `study resume <id>` runs an interrupted one's
// unfinished experiments; `study show <id>` and `study list` report. Each is a dispatch() call over
// the contract, like every face: the command prints the contract's results and events (progress
// on stderr, the report on stdout). Ctrl-C cancels every running experiment; what finished is
// kept, and `study resume` picks up the rest.
import type { MethodArgs, StudyReport } from '@contract';
import { openCore } from './core-client';
import { readJsonFile } from './json-file';
import { EXIT_CANCELLED, EXIT_CODES, UserError } from './user-error';
import { onStopRequest } from './stop-signals';
import { formatDuration, formatPercent, inert } from './format';

export interface StudyOptions {
  db?: string;
  json: boolean;
  concurrency?: string;
}

function concurrencyOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UserError(`--concurrency: expected a whole number from 1 to 256, got "${text}"`);
  return n;
}

export async function studyCommand(args: string[], options: StudyOptions): Promise<number> {
  const [first, second] = args;
  // A refused call throws a CallError with the contract's code: cli.ts's exit-code table reads it.
  const core = openCore({ db: options.db });
  try {
    if (first === 'list' && args.length === 1) {
      const { studies } = await core.call('studies.list', {});
      if (options.json) process.stdout.write(JSON.stringify(studies, null, 2) + '\n');
      else for (const s of studies) process.stdout.write(`${s.id}  ${s.status.padEnd(11)}  ${s.progress.done}/${s.progress.total} experiments  ${s.cells} cells × ${s.seeds} seeds  ${inert(s.name)}\n`);
      return 0;
    }
    if (first === 'show' && args.length === 2) {
      printReport(await core.call('studies.get', { studyId: second }), options.json);
      return 0;
    }
    const resume = first === 'resume';
    if ((resume && args.length !== 2) || (!resume && args.length !== 1)) {
      throw new UserError('usage: transfer-lab study <spec.json> | study resume <id> | study show <id> | study list');
    }
    const concurrency = concurrencyOf(options.concurrency);
    let studyId: string | undefined;
    // Every study's end is noted, so an end that comes before we know our study's id is not missed.
    const ended = new Map<string, string>();
    let onEnd = () => undefined as void;
    const unsubscribe = core.on((event) => {
      if (event.name === 'study-finished') {
        ended.set(event.payload.studyId, event.payload.status);
        onEnd();
      } else if (event.name === 'study-progress' && event.payload.studyId === studyId) {
        const p = event.payload;
        const eta = p.etaMs === null || p.done + p.failed === p.total ? '' : `, about ${formatDuration(p.etaMs)} left`;
        process.stderr.write(`study: ${p.cellsDone}/${p.cells} cells, ${p.done + p.failed}/${p.total} experiments done${p.failed ? ` (${p.failed} failed)` : ''}, ${p.running} running${eta}\n`);
      }
    });
    try {
      const started = resume
        ? await core.call('studies.resume', { studyId: second, concurrency })
        : await core.call('studies.start', { spec: readJsonFile(first, 'spec'), concurrency } as MethodArgs<'studies.start'>);
      studyId = started.studyId;
      process.stderr.write(`study ${started.studyId}: ${started.remaining === started.total ? '' : `${started.remaining} of `}${started.total} experiments to run, ${started.concurrency} at a time, ${started.trainingThreads} training thread${started.trainingThreads === 1 ? '' : 's'} each\n`);
      const stopListening = onStopRequest((signal) => {
        process.stderr.write(`\n${signal === 'SIGINT' ? '' : `Received ${signal}. `}Cancelling the study… (press Ctrl-C again to stop at once)\n`);
        void core.call('studies.cancel', { studyId: started.studyId });
      });
      const status = await new Promise<string>((resolve) => {
        onEnd = () => {
          const s = ended.get(started.studyId);
          if (s) resolve(s);
        };
        onEnd();
      });
      stopListening();
      const report = await core.call('studies.get', { studyId: started.studyId });
      printReport(report, options.json);
      // A study that failed (an experiment crashed) exits as the table says a crash does.
      return status === 'completed' ? 0 : status === 'cancelled' ? EXIT_CANCELLED : EXIT_CODES.internal;
    } finally {
      unsubscribe();
    }
  } finally {
    await core.close();
  }
}

const points = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`);

function printReport(report: StudyReport, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const out = (line: string) => process.stdout.write(line + '\n');
  out(`${inert(report.name)}`);
  const width = Math.max(4, ...report.cells.map((c) => c.label.length));
  out(`${'cell'.padEnd(width)}  seeds  gain, points (95 % interval)   transfer  scratch   epochs to scratch  verdict`);
  for (const c of report.cells) {
    const interval = c.gainInterval ? `(${points(c.gainInterval[0])} to ${points(c.gainInterval[1])})` : '';
    const acc = (x: number | null) => (x === null ? '–' : formatPercent(x));
    const epochs = c.meanEpochsToBaseline === null ? 'never' : `${c.meanEpochsToBaseline.toFixed(1)} (${c.reachedBaseline}/${c.seeds})`;
    out(`${inert(c.label).padEnd(width)}  ${String(c.seeds).padStart(5)}  ${`${points(c.meanGain)} ${interval}`.padEnd(29)}  ${acc(c.meanTransferAccuracy).padStart(8)}  ${acc(c.meanBaselineAccuracy).padStart(7)}   ${epochs.padEnd(17)}  ${c.verdict.replace('-', ' ')}`);
  }
  out(`recommendation: ${inert(report.recommendation.text)}`);
  out(`method: ${report.method}`);
  const p = report.progress;
  out(`study ${report.id} ${report.status} (${p.done}/${p.total} experiments${p.failed ? `, ${p.failed} failed` : ''})${report.error ? `: ${inert(report.error)}` : ''}`);
}

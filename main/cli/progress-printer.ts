// Training progress on the terminal: a live bar on a TTY, one line per epoch otherwise.
import { describeEstimate, type ContractEvent, type RunRole } from '@contract';
import { formatDuration, formatPercent, formatRate, inert } from './format';

const BAR_WIDTH = 24;

export class ProgressPrinter {
  private liveLine = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly roles: Map<string, RunRole>,
  ) {}

  handle({ name, payload: event }: ContractEvent): void {
    // The end is told by the command; a study's events are the study command's.
    if (name === 'experiment-finished' || name === 'study-progress' || name === 'study-finished') return;
    if (name === 'download-progress') {
      this.download(event.file, event.received, event.total);
      return;
    }
    const role = this.roles.get(event.runId) ?? 'run';
    switch (name) {
      case 'run-step': {
        if (!this.out.isTTY) return;
        const p = event.progress;
        const done = p.step / p.stepsPerEpoch;
        const filled = Math.round(done * BAR_WIDTH);
        const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
        const line = `${role} epoch ${p.epoch} ${bar} ${String(Math.round(done * 100)).padStart(3)} %  loss ${p.loss.toFixed(4)}  acc ${formatPercent(p.accuracy)}  ${formatRate(p.samplesPerSec)}  ETA ${formatDuration(p.etaMs)}`;
        this.out.write(`\r${line.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
        this.liveLine = true;
        return;
      }
      case 'run-epoch': {
        const m = event.metrics;
        const val = m.valAccuracy !== undefined ? `  val_loss ${m.valLoss?.toFixed(4)}  val_acc ${formatPercent(m.valAccuracy)}` : '';
        this.line(`${role} epoch ${m.epoch}: loss ${m.loss.toFixed(4)}  acc ${formatPercent(m.accuracy)}${val}  ${formatRate(m.samplesPerSec)}  ${formatDuration(m.durationMs)}`);
        return;
      }
      case 'run-evaluation':
        this.line(`${role} test accuracy ${formatPercent(event.accuracy)} on ${event.count} samples`);
        return;
      case 'run-status':
        if (event.status === 'running') this.line(`${role} run ${event.runId} started${event.estimate ? ` (${describeEstimate(event.estimate)})` : ''}`);
        // A failure is told once, at the end, by the command (one line for a mistake in the input).
        else if (event.status !== 'queued' && event.status !== 'failed') this.line(`${role} run ${event.runId} ${event.status}${event.error ? `: ${inert(event.error)}` : ''}`);
        return;
    }
  }

  private download(file: string, received: number, total: number | null): void {
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
    const done = total ? received / total : 0;
    const text = total
      ? `downloading ${file} ${'█'.repeat(Math.round(done * BAR_WIDTH)).padEnd(BAR_WIDTH, '░')} ${mb(received)} of ${mb(total)}`
      : `downloading ${file} ${mb(received)}`;
    if (this.out.isTTY) {
      this.out.write(`\r${text.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
      this.liveLine = true;
    } else if (total !== null && received === total) {
      this.line(`downloaded ${file} (${mb(total)})`);
    }
  }

  finish(): void {
    if (this.liveLine) this.out.write('\r\x1b[K');
    this.liveLine = false;
  }

  private line(text: string): void {
    this.finish();
    this.out.write(text + '\n');
  }
}

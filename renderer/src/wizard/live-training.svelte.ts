// What the training steps show while an experiment runs: per-step and per-epoch curves of
// each run, throughput, ETA, backend and status. It listens to the core's events for one
// experiment only, and on (re)opening first fills in what was recorded so far, so coming
// back to the wizard mid-run (or after a restart) shows the whole curve.
import { call, on } from '../lib/api';
import type { EpochRowInfo, RunStatusName } from './report-types';
import type { ChartPoint } from '../components/metric-series';

export interface RunCurves {
  role: 'source' | 'target' | 'baseline';
  status: RunStatusName;
  error: string | null;
  backend: string | null;
  stepLoss: ChartPoint[];
  stepAccuracy: ChartPoint[];
  epochs: EpochRowInfo[];
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  samplesPerSec: number | null;
  etaMs: number | null;
  /** How long the run's phases should take, said when it starts (ms). */
  estimate: { featuresMs?: number; trainMs: number; evaluateMs: number; baselineMs?: number } | null;
}

/** Step points kept per curve; older ones are thinned so long runs stay light to draw. */
const MAX_STEP_POINTS = 600;

function pushThinned(points: ChartPoint[], point: ChartPoint): void {
  points.push(point);
  if (points.length > MAX_STEP_POINTS) {
    // Drop every other point of the older half: the recent detail stays, the shape remains.
    const half = Math.floor(points.length / 2);
    const kept = points.slice(0, half).filter((_, i) => i % 2 === 0);
    points.splice(0, half, ...kept);
  }
}

export class LiveTraining {
  runs = $state<Record<string, RunCurves>>({});
  finished = $state<'completed' | 'failed' | 'cancelled' | null>(null);
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly experimentId: string,
    runs: { id: string; role: RunCurves['role'] }[],
  ) {
    for (const r of runs) this.runs[r.id] = this.empty(r.role);
    this.unsubscribe.push(
      on('run-step', (e) => {
        const run = this.runs[e.runId];
        if (!run || e.experimentId !== experimentId) return;
        const p = e.progress;
        run.epoch = p.epoch;
        run.step = p.step;
        run.stepsPerEpoch = p.stepsPerEpoch;
        run.samplesPerSec = p.samplesPerSec;
        run.etaMs = p.etaMs;
        if (run.status === 'queued') run.status = 'running';
        // x in epochs (fractional), so step and epoch curves share one axis.
        const x = p.epoch - 1 + p.step / Math.max(1, p.stepsPerEpoch);
        pushThinned(run.stepLoss, { x, y: p.loss });
        pushThinned(run.stepAccuracy, { x, y: p.accuracy });
      }),
      on('run-epoch', (e) => {
        const run = this.runs[e.runId];
        if (!run || e.experimentId !== experimentId) return;
        const m = e.metrics;
        const row: EpochRowInfo = {
          epoch: m.epoch,
          durationMs: m.durationMs,
          loss: m.loss,
          accuracy: m.accuracy,
          valLoss: m.valLoss ?? null,
          valAccuracy: m.valAccuracy ?? null,
          samplesPerSec: m.samplesPerSec,
        };
        run.epochs = [...run.epochs.filter((r) => r.epoch !== m.epoch), row].sort((a, b) => a.epoch - b.epoch);
        run.samplesPerSec = m.samplesPerSec;
      }),
      on('run-status', (e) => {
        const run = this.runs[e.runId];
        if (!run || e.experimentId !== experimentId) return;
        run.status = e.status;
        run.error = e.error ?? null;
        // A run that starts says which backend it trains on.
        if (e.backend) run.backend = e.backend;
        if (e.estimate) run.estimate = e.estimate;
      }),
      on('experiment-finished', (e) => {
        if (e.experimentId === experimentId) this.finished = e.status;
      }),
    );
    void this.backfill();
  }

  private empty(role: RunCurves['role']): RunCurves {
    return { role, status: 'queued', error: null, backend: null, stepLoss: [], stepAccuracy: [], epochs: [], epoch: 0, step: 0, stepsPerEpoch: 0, samplesPerSec: null, etaMs: null, estimate: null };
  }

  /** What the store recorded before this page listened (a reopened wizard, a restart). */
  async backfill(): Promise<void> {
    try {
      const report = await call('experiments.get', { experimentId: this.experimentId });
      for (const r of report.runs) {
        const run = this.runs[r.id];
        if (!run) continue;
        run.status = r.status;
        run.error = r.error;
        run.backend = r.backend;
        if (r.epochs.length > run.epochs.length) run.epochs = r.epochs;
      }
      const settled = report.runs.filter((r) => this.runs[r.id]);
      if (settled.length > 0 && settled.every((r) => ['completed', 'failed', 'cancelled', 'interrupted'].includes(r.status))) {
        this.finished = settled.some((r) => r.status === 'failed') ? 'failed' : settled.some((r) => r.status === 'cancelled' || r.status === 'interrupted') ? 'cancelled' : 'completed';
      }
    } catch {
      // The live events still arrive; the backfill only adds history.
    }
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe.length = 0;
  }
}

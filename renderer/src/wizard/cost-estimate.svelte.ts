// The time an experiment will take on this machine, asked of the core (experiments.estimate)
// before Start. Settings typed in a burst ask once, after a pause; an answer about settings
// that have since changed is dropped; answers are kept for the session by spec, so the
// Transfer and Fine-tune steps share one and going back and forth asks nothing new.
import { call } from '../lib/api';
import { approxDuration, baselineRatio, describeRatio, type ExperimentEstimate } from '@contract';
import type { ExperimentSpecInput } from '@contract/spec';

/** The pause after the last change before asking (typing "20" in Epochs asks once). */
export const ESTIMATE_DEBOUNCE_MS = 400;
const MAX_KEPT = 32;

export type EstimateState =
  | { status: 'idle' }
  /** `previous`: the estimate for the settings before this change, shown while the new one comes. */
  | { status: 'estimating'; previous: ExperimentEstimate | null }
  | { status: 'ready'; estimate: ExperimentEstimate }
  | { status: 'failed'; error: unknown };

// A plain cache, read only when a spec is asked for: nothing renders from it directly.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const answers = new Map<string, ExperimentEstimate>();

function keep(key: string, estimate: ExperimentEstimate): void {
  answers.set(key, estimate);
  if (answers.size > MAX_KEPT) answers.delete(answers.keys().next().value as string);
}

export class CostEstimate {
  state = $state<EstimateState>({ status: 'idle' });
  #key: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  /** Estimates `spec` (after a pause); null when there is nothing to estimate yet. */
  request(spec: ExperimentSpecInput | null): void {
    const key = spec ? JSON.stringify(spec) : null;
    if (key === this.#key) return;
    this.#key = key;
    clearTimeout(this.#timer);
    const generation = ++this.#generation;
    if (!spec || !key) {
      this.state = { status: 'idle' };
      return;
    }
    const known = answers.get(key);
    if (known) {
      this.state = { status: 'ready', estimate: known };
      return;
    }
    const shown = this.state;
    const previous = shown.status === 'ready' ? shown.estimate : shown.status === 'estimating' ? shown.previous : null;
    this.state = { status: 'estimating', previous };
    this.#timer = setTimeout(() => {
      // A plain copy of what was asked (the draft's state proxies do not cross every transport).
      call('experiments.estimate', { spec: JSON.parse(key) as ExperimentSpecInput }).then(
        (estimate) => {
          keep(key, estimate);
          if (generation === this.#generation) this.state = { status: 'ready', estimate };
        },
        (error: unknown) => {
          if (generation === this.#generation) this.state = { status: 'failed', error };
        },
      );
    }, ESTIMATE_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#generation++;
  }
}

/** The estimate as it reads with the baseline left out (the wizard always asks with it on, so its cost is known either way). */
export function withoutBaseline(e: ExperimentEstimate): ExperimentEstimate {
  if (!e.baseline) return e;
  const { baseline, ...rest } = e;
  return { ...rest, totalMs: e.totalMs - baseline.totalMs };
}

/**
 * What the baseline costs, for the words beside its toggle: "On this machine it takes ~3.1 min,
 * about 9× the fine-tuning." when on, what leaving it out saves when off. Null when nothing
 * is being estimated (the toggle keeps its general advice then).
 */
export function baselineCostText(state: EstimateState, on: boolean): string | null {
  if (state.status === 'estimating') return 'Estimating what it costs on this machine…';
  if (state.status === 'failed') return 'What it costs on this machine could not be estimated.';
  if (state.status !== 'ready' || !state.estimate.baseline) return null;
  const ratio = baselineRatio(state.estimate);
  const cost = `${approxDuration(state.estimate.baseline.totalMs)}${ratio === null ? '' : `, ${describeRatio(ratio)}`}`;
  return on ? `On this machine it takes ${cost}.` : `On this machine, leaving it out saves ${cost}; the results will then have no comparison with training from scratch.`;
}

/** The spec `make` builds, or null when the draft cannot make one yet (no data chosen, no source run). */
export function specOrNull(make: () => ExperimentSpecInput): ExperimentSpecInput | null {
  try {
    return make();
  } catch {
    return null;
  }
}

// What an experiment will cost on this machine, said before it starts (experiments.estimate):
// each phase's feature pass, training and evaluation, from the same arithmetic the worker
// uses when the phase starts (main/training/phase-estimate.ts), and the words the wizard and
// the CLI show for it. A from-scratch baseline trains every layer on every sample of every
// epoch, so it can cost many times the transfer run; saying how many lets the user skip it.
import { z } from 'zod';
import { phaseEstimateSchema, roughDuration } from './results';

export const phaseCostSchema = phaseEstimateSchema.omit({ baselineMs: true }).extend({
  /** Feature pass + training + evaluation. */
  totalMs: z.number(),
  /** The samples it assumed, after the test and validation splits and the per-class limit. */
  samples: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
  epochs: z.number(),
  /** The per-sample input shape the run will use (e.g. an imported model's 224 × 224 × 3). */
  inputShape: z.array(z.number()),
  /** Whether the frozen prefix runs once over the data (its features cached) rather than every step. */
  featuresCached: z.boolean(),
});

export const experimentEstimateSchema = z.object({
  /** Absent when the source is an earlier run's model (nothing to train). */
  source: phaseCostSchema.optional(),
  target: phaseCostSchema.optional(),
  baseline: phaseCostSchema.optional(),
  totalMs: z.number(),
  /** The training threads it assumed (the spec's trainingThreads, or the machine's default). */
  threads: z.number(),
  /** The tfjs backend the forward pass was timed on. */
  backend: z.string(),
  /** How it was measured, in a sentence. */
  basis: z.string(),
});

export type PhaseCost = z.infer<typeof phaseCostSchema>;
export type ExperimentEstimate = z.infer<typeof experimentEstimateSchema>;

/** "~40 s", "~2.5 min", or "under 1 s" (never "~0 s"). */
export function approxDuration(ms: number): string {
  return ms < 1000 ? 'under 1 s' : `~${roughDuration(ms)}`;
}

/** "feature pass ~40 s, training under 1 s, evaluation ~3 s". */
export function describePhaseParts(cost: PhaseCost): string {
  const list = [];
  if (cost.featuresMs !== undefined) list.push(`feature pass ${approxDuration(cost.featuresMs)}`);
  list.push(`training ${approxDuration(cost.trainMs)}`, `evaluation ${approxDuration(cost.evaluateMs)}`);
  return list.join(', ');
}

/** "source training ~2.5 min (training ~2.4 min, evaluation ~4 s); fine-tuning ~20 s (feature pass …); baseline from scratch ~3.1 min". */
export function describeExperimentEstimate(e: ExperimentEstimate): string {
  const phases = [];
  if (e.source) phases.push(`source training ${approxDuration(e.source.totalMs)} (${describePhaseParts(e.source)})`);
  if (e.target) phases.push(`fine-tuning ${approxDuration(e.target.totalMs)} (${describePhaseParts(e.target)})`);
  if (e.baseline) phases.push(`baseline from scratch ${approxDuration(e.baseline.totalMs)}`);
  return phases.join('; ');
}

/** How many times the fine-tuning the baseline costs, or null without both. */
export function baselineRatio(e: ExperimentEstimate): number | null {
  if (!e.baseline || !e.target || !(e.target.totalMs > 0)) return null;
  return e.baseline.totalMs / e.target.totalMs;
}

/** "about 9× the fine-tuning", "about 1.4× the fine-tuning", "less than the fine-tuning". */
export function describeRatio(ratio: number): string {
  if (ratio < 1) return 'less than the fine-tuning';
  return `about ${ratio < 2 ? ratio.toFixed(1) : Math.round(ratio)}× the fine-tuning`;
}

/** "the from-scratch baseline takes ~3.1 min, about 9× the fine-tuning", or null without a baseline. */
export function describeBaselineCost(e: ExperimentEstimate): string | null {
  if (!e.baseline) return null;
  const ratio = baselineRatio(e);
  return `the from-scratch baseline takes ${approxDuration(e.baseline.totalMs)}${ratio === null ? '' : `, ${describeRatio(ratio)}`}`;
}

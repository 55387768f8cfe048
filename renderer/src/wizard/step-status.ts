// The wizard's state as one pure function: from the draft (every choice, the runs it
// started, and what each run was made from) and the runs' statuses in the store to the
// status of each step. A finished run stays "done" only while the choices it was made from
// are unchanged; change anything upstream and it is "out of date", with the reason, and
// every step after it follows. Nothing here reads the store: the caller passes statuses.
import { STEPS, type Draft, type EarlierSource, type StepId } from './draft';
import { datasetSpec, modelSpec, regularizationSpec, sourceRunOf } from './experiment-specs';
import { isValid, toTrainingSpec, validateHyperparameters, type Hyperparameters } from './hyperparameters';
import type { RunStatusName } from './report-types';

export type StepState = 'not-started' | 'ready' | 'running' | 'done' | 'out-of-date' | 'stopped' | 'skipped';

export interface StepStatus {
  state: StepState;
  /** Why a step is out of date or stopped, in words ("source data changed since this run"). */
  reason?: string;
}

/** A run's status in the store; 'missing' when it is no longer there (deleted from the history). */
export type DraftRunStatus = RunStatusName | 'missing';

/** The statuses of the runs the draft started (null: none, or not known yet). */
export interface DraftRunStatuses {
  source: DraftRunStatus | null;
  target: DraftRunStatus | null;
  baseline: DraftRunStatus | null;
}

/**
 * What a run was made from, one entry per part a person can change, each a canonical text.
 * Comparing entries names what changed. The keys are the words the reason uses.
 */
export type MadeFrom = Record<string, string>;

function trainingText(h: Hyperparameters): string {
  return isValid(validateHyperparameters(h)) ? JSON.stringify(toTrainingSpec(h)) : `invalid:${JSON.stringify(h)}`;
}

/** What the source run is made from: its data, its model, its training settings. */
export function sourceMadeFrom(draft: Draft): MadeFrom {
  return {
    'source data': JSON.stringify(datasetSpec(draft.sourceData)),
    model: JSON.stringify(modelSpec(draft)),
    'source training settings': JSON.stringify([trainingText(draft.sourceTraining), draft.seed, draft.backend]),
  };
}

/** What the fine-tuning experiment is made from: the source model, target data, transfer and training settings. */
export function targetMadeFrom(draft: Draft): MadeFrom {
  return {
    'source model': sourceRunOf(draft) ?? '',
    'target data': JSON.stringify(datasetSpec(draft.targetData)),
    'transfer settings': JSON.stringify([[...draft.frozen].sort(), draft.head, regularizationSpec(draft.regularization), draft.baseline]),
    'fine-tuning settings': JSON.stringify([trainingText(draft.targetTraining), draft.seed, draft.backend]),
  };
}

/** The first part that differs, as a reason; null when nothing changed (or nothing was recorded). */
export function changedSince(recorded: MadeFrom | null | undefined, now: MadeFrom): string | null {
  if (!recorded) return null;
  for (const [part, value] of Object.entries(now)) {
    if (recorded[part] !== value) return `${part} changed since this run`;
  }
  return null;
}

const ENDED_EARLY: Partial<Record<DraftRunStatus, string>> = {
  missing: 'the last run is no longer in the history',
  failed: 'the last run failed',
  cancelled: 'the last run was cancelled',
  interrupted: 'the last run was interrupted',
};

/** A training step's status from its run's status and what it was made from. */
function trainingStep(started: boolean, prerequisitesDone: boolean, status: DraftRunStatus | null, stale: string | null): StepStatus {
  if (!started) return { state: prerequisitesDone ? 'ready' : 'not-started' };
  if (status === null || status === 'queued' || status === 'running') return { state: 'running' };
  const early = ENDED_EARLY[status];
  if (early) return { state: 'stopped', reason: early };
  return stale ? { state: 'out-of-date', reason: stale } : { state: 'done' };
}

export function stepStatuses(draft: Draft, runs: DraftRunStatuses): Record<StepId, StepStatus> {
  const reuse = draft.sourceMode === 'reuse';

  const sourceDataDone = reuse ? !!draft.reuseRunId : datasetSpec(draft.sourceData) !== null;
  const sourceData: StepStatus = { state: sourceDataDone ? 'done' : 'ready' };

  const modelDone = draft.model.kind !== 'import' || draft.model.importPath.trim() !== '';
  const model: StepStatus = reuse ? { state: 'skipped' } : { state: !sourceDataDone ? 'not-started' : modelDone ? 'done' : 'ready' };

  const trainSource: StepStatus = reuse
    ? { state: 'skipped' }
    : trainingStep(!!draft.sourceExperimentId, sourceDataDone && modelDone, runs.source, changedSince(draft.sourceMadeFrom, sourceMadeFrom(draft)));
  const sourceReady = reuse ? sourceDataDone : trainSource.state === 'done';

  const targetDataDone = datasetSpec(draft.targetData) !== null;
  const targetData: StepStatus = { state: !sourceReady ? 'not-started' : targetDataDone ? 'done' : 'ready' };

  const transferDone = targetDataDone && isValid(validateHyperparameters(draft.targetTraining));
  const transfer: StepStatus = { state: !sourceReady || !targetDataDone ? 'not-started' : transferDone ? 'done' : 'ready' };

  let fineTune = trainingStep(!!draft.targetExperimentId, sourceReady && transferDone, runs.target, changedSince(draft.targetMadeFrom, targetMadeFrom(draft)));
  // Downstream follows upstream: a fine-tuning made from a source that is now out of date
  // (or being trained again) is out of date too, whatever its own settings.
  if (draft.targetExperimentId && !reuse && fineTune.state !== 'running' && trainSource.state !== 'done') {
    fineTune = { state: 'out-of-date', reason: `the source model is ${trainSource.state === 'running' ? 'being trained again' : 'out of date'}${trainSource.reason ? ` (${trainSource.reason})` : ''}` };
  }

  const results: StepStatus =
    fineTune.state === 'done' || fineTune.state === 'out-of-date' || fineTune.state === 'stopped' ? { ...fineTune } : { state: 'not-started' };

  return { 'source-data': sourceData, model, 'train-source': trainSource, 'target-data': targetData, transfer, 'fine-tune': fineTune, results };
}

/** Whether a step can be opened: every earlier step can; a later one once it has begun. */
export function canOpen(statuses: Record<StepId, StepStatus>, current: StepId, target: StepId): boolean {
  const index = (id: StepId) => STEPS.findIndex((s) => s.id === id);
  const state = statuses[target].state;
  if (state === 'skipped') return false;
  if (index(target) <= index(current)) return true;
  return state !== 'not-started';
}

/**
 * Whether the draft holds choices no run was made from yet (what "New experiment" would
 * discard): something changed since the last run, or choices made before any run.
 */
export function hasUnsavedChoices(draft: Draft, blank: Draft): boolean {
  if (!draft.sourceExperimentId && !draft.targetExperimentId) {
    if (draft.sourceMode === 'reuse' || draft.nameEdited) return true;
    return changedSince(sourceMadeFrom(blank), sourceMadeFrom(draft)) !== null || changedSince(targetMadeFrom(blank), targetMadeFrom(draft)) !== null;
  }
  const sourceChanged = draft.sourceMode === 'train' && changedSince(draft.sourceMadeFrom ?? sourceMadeFrom(draft), sourceMadeFrom(draft)) !== null;
  const targetChanged = !!draft.targetExperimentId && changedSince(draft.targetMadeFrom ?? targetMadeFrom(draft), targetMadeFrom(draft)) !== null;
  const targetNeverRun = !draft.targetExperimentId && changedSince(targetMadeFrom(blank), { ...targetMadeFrom(draft), 'source model': '' }) !== null;
  return sourceChanged || targetChanged || targetNeverRun;
}

/** How many earlier source runs a draft remembers. */
export const EARLIER_SOURCES_KEPT = 10;

/**
 * An earlier source run of this draft made from exactly the current choices, which can be
 * reused instead of training again; null when there is none (or the current run matches).
 */
export function reusableEarlierSource(draft: Draft): EarlierSource | null {
  if (draft.sourceMode !== 'train') return null;
  const now = sourceMadeFrom(draft);
  if (draft.sourceMadeFrom && changedSince(draft.sourceMadeFrom, now) === null) return null;
  return draft.earlierSources.find((e) => changedSince(e.madeFrom, now) === null) ?? null;
}

/**
 * The draft's current source run moves to the earlier ones (newest first, a bounded list),
 * before another takes its place.
 */
export function rememberCurrentSource(draft: Draft): EarlierSource[] {
  const { sourceExperimentId: experimentId, sourceRunId: runId, sourceMadeFrom: madeFrom } = draft;
  if (!experimentId || !runId || !madeFrom) return draft.earlierSources;
  return [{ experimentId, runId, madeFrom }, ...draft.earlierSources.filter((e) => e.runId !== runId)].slice(0, EARLIER_SOURCES_KEPT);
}

// The wizard's live state: the draft (see draft.ts) as a rune, saved to localStorage on
// every change, the statuses of the runs it started (followed in the store), each step's
// status derived from both (step-status.ts), and navigation between steps. One instance
// for the app, so leaving the wizard for the Runs page and coming back finds everything
// as it was.
import { ApiCallError, call, on } from '../lib/api';
import { defaultDataChoice, defaultDraft, parseDraft, STEPS, type Draft, type StepId } from './draft';
import { draftFromSpec } from './draft-from-spec';
import { suggestedName } from './experiment-name';
import { canOpen, hasUnsavedChoices, stepStatuses, type DraftRunStatuses, type StepStatus } from './step-status';
import { takeWizardPrefill } from '../history/wizard-prefill';
import { preferences } from '../settings/preferences.svelte';

/** A blank draft with the backend and training threads chosen in Settings. */
function blankDraft(): Draft {
  const draft = defaultDraft();
  draft.backend = preferences.value.backend;
  draft.trainingThreads = preferences.value.trainingThreads;
  return draft;
}

export const DRAFT_STORAGE_KEY = 'transfer-lab.wizard-draft.v1';

function readStoredDraft(): Draft {
  try {
    return parseDraft(localStorage.getItem(DRAFT_STORAGE_KEY)) ?? blankDraft();
  } catch {
    // Storage can be unavailable (privacy settings); the wizard still works, unsaved.
    return blankDraft();
  }
}

/**
 * Where the wizard starts: settings re-opened from a run's page, a folder chosen with the
 * desktop menu's Import Dataset (#/new?datasetFolder=…), or the saved draft.
 */
function initialDraft(): Draft {
  const prefill = draftFromSpec(takeWizardPrefill());
  if (prefill) return prefill;
  const folder = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('datasetFolder');
  const draft = readStoredDraft();
  if (folder) {
    draft.sourceData = defaultDataChoice({ origin: 'folder', path: folder });
    draft.sourceMode = 'train';
    draft.step = 'source-data';
  }
  return draft;
}

const NO_RUNS: DraftRunStatuses = { source: null, target: null, baseline: null };

export class WizardState {
  draft = $state<Draft>(initialDraft());
  /** The statuses in the store of the runs the draft started. */
  runs = $state<DraftRunStatuses>({ ...NO_RUNS });
  /** Each step's status: not started, ready, running, done, out of date (and why)… */
  readonly steps: Record<StepId, StepStatus> = $derived(stepStatuses(this.draft, this.runs));
  /** Set while "New experiment" waits for the person to confirm discarding the draft. */
  confirmingDiscard = $state(false);

  constructor() {
    $effect.root(() => {
      $effect(() => {
        const text = JSON.stringify(this.draft);
        try {
          localStorage.setItem(DRAFT_STORAGE_KEY, text);
        } catch {
          // Quota or privacy errors only lose persistence, never the session.
        }
      });
      // Until the person types a name, the name follows the choices.
      $effect(() => {
        if (this.draft.nameEdited) return;
        const name = suggestedName(this.draft);
        if (name !== this.draft.name) this.draft.name = name;
      });
      $effect(() => this.follow(this.draft.sourceMode === 'train' ? this.draft.sourceExperimentId : null, this.draft.targetExperimentId));
    });
  }

  /**
   * Follows the statuses of the draft's runs: read once from the store, then kept current
   * from the core's run-status events. Returns the unsubscribe for the effect to call.
   */
  private follow(sourceExperimentId: string | null, targetExperimentId: string | null): () => void {
    this.runs = { ...NO_RUNS, source: this.draft.sourceMode === 'reuse' && this.draft.reuseRunId ? 'completed' : null };
    // Which of the draft's roles each run id plays; plain bookkeeping that nothing observes.
    const roles: Record<string, keyof DraftRunStatuses> = {};
    let stopped = false;
    const read = (experimentId: string) =>
      call('experiments.get', { experimentId }).then(
        (report) => {
          if (stopped) return;
          for (const run of report.runs) {
            const role = experimentId === sourceExperimentId ? (run.role === 'source' ? 'source' : null) : run.role === 'source' ? null : run.role;
            if (!role) continue;
            roles[run.id] = role;
            this.runs[role] = run.status;
          }
        },
        (err: unknown) => {
          // Deleted from the history: the step offers to train again. Other errors (the core
          // restarting) leave the status unknown until the next event or reading.
          if (stopped || !(err instanceof ApiCallError) || err.code !== 'not-found') return;
          if (experimentId === sourceExperimentId) this.runs.source = 'missing';
          else this.runs.target = this.runs.baseline = 'missing';
        },
      );
    if (sourceExperimentId) void read(sourceExperimentId);
    if (targetExperimentId) void read(targetExperimentId);
    const offStatus = on('run-status', (e) => {
      const role = roles[e.runId];
      if (role && (e.experimentId === sourceExperimentId || e.experimentId === targetExperimentId)) this.runs[role] = e.status;
    });
    // A status read while the runs were still going can arrive after their last event.
    const offFinished = on('experiment-finished', (e) => {
      if (e.experimentId === sourceExperimentId || e.experimentId === targetExperimentId) void read(e.experimentId);
    });
    return () => {
      stopped = true;
      offStatus();
      offFinished();
    };
  }

  /** Whether a step can be opened from the current one. */
  canOpen(step: StepId): boolean {
    return canOpen(this.steps, this.draft.step, step);
  }

  /** Whether "New experiment" would discard choices that no run was made from. */
  get hasUnsavedChoices(): boolean {
    // The backend comes from Settings, not from a choice in the wizard: changing the
    // preference does not make an untouched draft "unsaved".
    return hasUnsavedChoices(this.draft, { ...blankDraft(), backend: this.draft.backend });
  }

  /** "New experiment": a blank wizard, after asking when that discards unsaved choices. */
  startBlank(): void {
    if (this.hasUnsavedChoices) this.confirmingDiscard = true;
    else this.reset();
  }

  /** Adopts settings a run's page left for the wizard ("Re-open in wizard"), if any. */
  adoptPrefill(): void {
    const prefill = draftFromSpec(takeWizardPrefill());
    if (prefill) this.draft = prefill;
  }

  get stepIndex(): number {
    return STEPS.findIndex((s) => s.id === this.draft.step);
  }

  /** Steps 2 and 3 are skipped when an earlier source run's model is reused. */
  isSkipped(step: StepId): boolean {
    return this.steps[step].state === 'skipped';
  }

  go(step: StepId): void {
    this.draft.step = step;
  }

  next(): void {
    for (let i = this.stepIndex + 1; i < STEPS.length; i++) {
      if (!this.isSkipped(STEPS[i].id)) return this.go(STEPS[i].id);
    }
  }

  back(): void {
    for (let i = this.stepIndex - 1; i >= 0; i--) {
      if (!this.isSkipped(STEPS[i].id)) return this.go(STEPS[i].id);
    }
  }

  /**
   * A new experiment from this one's settings: every choice and the trained source model
   * are kept (so only the fine-tuning runs again), the fine-tuning experiment is forgotten.
   */
  newFromSettings(): void {
    this.draft.targetExperimentId = null;
    this.draft.step = 'target-data';
  }

  /** Everything back to the defaults (the runs already started stay in history). */
  reset(): void {
    this.confirmingDiscard = false;
    this.draft = blankDraft();
  }
}

export const wizard = new WizardState();

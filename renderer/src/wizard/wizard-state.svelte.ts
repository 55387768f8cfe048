// The wizard's live state: the draft (see draft.ts) as a rune, saved to localStorage on
// every change, plus navigation between steps. One instance for the app, so leaving the
// wizard for the Runs page and coming back finds everything as it was.
import { defaultDataChoice, defaultDraft, parseDraft, STEPS, type Draft, type StepId } from './draft';
import { draftFromSpec } from './draft-from-spec';
import { takeWizardPrefill } from '../history/wizard-prefill';

export const DRAFT_STORAGE_KEY = 'transfer-lab.wizard-draft.v1';

function readStoredDraft(): Draft {
  try {
    return parseDraft(localStorage.getItem(DRAFT_STORAGE_KEY)) ?? defaultDraft();
  } catch {
    // Storage can be unavailable (privacy settings); the wizard still works, unsaved.
    return defaultDraft();
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

export class WizardState {
  draft = $state<Draft>(initialDraft());

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
    });
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
    return this.draft.sourceMode === 'reuse' && (step === 'model' || step === 'train-source');
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
    this.draft = defaultDraft();
  }
}

export const wizard = new WizardState();

// The wizard's state model: every path by which a finished step becomes out of date, and
// how the steps after it follow.
import { describe, expect, it } from 'vitest';
import { defaultDataChoice, defaultDraft, type Draft } from '../../../renderer/src/wizard/draft';
import {
  canOpen, EARLIER_SOURCES_KEPT, hasUnsavedChoices, rememberCurrentSource, reusableEarlierSource, sourceMadeFrom, stepStatuses, targetMadeFrom, type DraftRunStatuses,
} from '../../../renderer/src/wizard/step-status';

const NONE: DraftRunStatuses = { source: null, target: null, baseline: null };
const ALL_DONE: DraftRunStatuses = { source: 'completed', target: 'completed', baseline: 'completed' };

/** A draft whose source was trained with its current choices. */
function sourceTrained(draft = defaultDraft(), runId = 'src1'): Draft {
  draft.sourceExperimentId = `exp-${runId}`;
  draft.sourceRunId = runId;
  draft.sourceMadeFrom = sourceMadeFrom(draft);
  return draft;
}

/** A draft whose source and fine-tuning both ran with its current choices. */
function fineTuned(draft = sourceTrained()): Draft {
  draft.targetExperimentId = 'exp-target1';
  draft.targetMadeFrom = targetMadeFrom(draft);
  return draft;
}

function states(draft: Draft, runs: DraftRunStatuses): Record<string, string> {
  return Object.fromEntries(Object.entries(stepStatuses(draft, runs)).map(([step, s]) => [step, s.reason ? `${s.state}: ${s.reason}` : s.state]));
}

describe('stepStatuses', () => {
  it('a blank draft: the choices are ready, training is ready, nothing after it has started', () => {
    expect(states(defaultDraft(), NONE)).toEqual({
      'source-data': 'done',
      model: 'done',
      'train-source': 'ready',
      'target-data': 'not-started',
      transfer: 'not-started',
      'fine-tune': 'not-started',
      results: 'not-started',
    });
  });

  it('a folder source without a path is not chosen yet, and nothing after it can start', () => {
    const draft = defaultDraft();
    draft.sourceData = defaultDataChoice({ origin: 'folder', path: '' });
    expect(states(draft, NONE)).toMatchObject({ 'source-data': 'ready', model: 'not-started', 'train-source': 'not-started' });
  });

  it('a source run in progress is running; the target steps wait for it', () => {
    const draft = sourceTrained();
    expect(states(draft, { ...NONE, source: 'running' })).toMatchObject({ 'train-source': 'running', 'target-data': 'not-started' });
    // Before its status is read from the store, a started run counts as running, never done.
    expect(states(draft, NONE)['train-source']).toBe('running');
  });

  it('a finished source opens the target steps; a finished fine-tuning opens the results', () => {
    expect(states(sourceTrained(), { ...NONE, source: 'completed' })).toMatchObject({ 'train-source': 'done', 'target-data': 'done', transfer: 'done', 'fine-tune': 'ready' });
    expect(states(fineTuned(), ALL_DONE)).toMatchObject({ 'fine-tune': 'done', results: 'done' });
  });

  it('a cancelled or failed source is stopped, with the reason, and does not open the target steps', () => {
    expect(states(sourceTrained(), { ...NONE, source: 'cancelled' })).toMatchObject({ 'train-source': 'stopped: the last run was cancelled', 'target-data': 'not-started' });
    expect(states(sourceTrained(), { ...NONE, source: 'failed' })['train-source']).toBe('stopped: the last run failed');
  });

  const sourceChanges: [string, (d: Draft) => void, string][] = [
    ['the source data', (d) => (d.sourceData = defaultDataChoice({ origin: 'folder', path: '/data/fashion' })), 'source data changed since this run'],
    ['the source classes', (d) => (d.sourceData.classes = [0, 1, 2]), 'source data changed since this run'],
    ['the per-class cap', (d) => (d.sourceData.limitPerClass = 50), 'source data changed since this run'],
    ['the architecture', (d) => (d.model.architecture = 'small-cnn'), 'model changed since this run'],
    ['the epochs', (d) => (d.sourceTraining.epochs = 9), 'source training settings changed since this run'],
    ['the seed', (d) => (d.seed = 3), 'source training settings changed since this run'],
  ];
  for (const [what, change, reason] of sourceChanges) {
    it(`changing ${what} after training puts the source out of date, and everything after it follows`, () => {
      const draft = fineTuned();
      change(draft);
      const s = stepStatuses(draft, ALL_DONE);
      expect(s['train-source']).toEqual({ state: 'out-of-date', reason });
      expect(s['target-data'].state).toBe('not-started');
      expect(s.transfer.state).toBe('not-started');
      expect(s['fine-tune']).toEqual({ state: 'out-of-date', reason: `the source model is out of date (${reason})` });
      expect(s.results).toEqual(s['fine-tune']);
    });
  }

  it('changing a choice back makes the run current again (its settings are identical)', () => {
    const draft = fineTuned();
    draft.model.architecture = 'small-cnn';
    expect(stepStatuses(draft, ALL_DONE)['train-source'].state).toBe('out-of-date');
    draft.model.architecture = 'seed-cnn';
    expect(states(draft, ALL_DONE)).toMatchObject({ 'train-source': 'done', 'fine-tune': 'done', results: 'done' });
  });

  it('a new source run makes the old fine-tuning out of date (it was made from the other model)', () => {
    const draft = fineTuned();
    sourceTrained(draft, 'src2');
    expect(states(draft, ALL_DONE)).toMatchObject({ 'train-source': 'done', 'fine-tune': 'out-of-date: source model changed since this run' });
    // …and while that new source still trains, the fine-tuning says so.
    expect(stepStatuses(draft, { ...ALL_DONE, source: 'running' })['fine-tune']).toEqual({ state: 'out-of-date', reason: 'the source model is being trained again' });
  });

  const targetChanges: [string, (d: Draft) => void, string][] = [
    ['the target data', (d) => (d.targetData = defaultDataChoice({ origin: 'idx', path: '/d/t10k-images-idx3-ubyte', labelsPath: '/d/t10k-labels-idx1-ubyte' })), 'target data changed since this run'],
    ['the frozen layers', (d) => (d.frozen = ['conv1']), 'transfer settings changed since this run'],
    ['the head', (d) => (d.head = 'keep'), 'transfer settings changed since this run'],
    ['the regularisation', (d) => (d.regularization.kind = 'l2'), 'transfer settings changed since this run'],
    ['the baseline', (d) => (d.baseline = false), 'transfer settings changed since this run'],
    ['the fine-tuning learning rate', (d) => (d.targetTraining.learningRate = 0.0001), 'fine-tuning settings changed since this run'],
  ];
  for (const [what, change, reason] of targetChanges) {
    it(`changing ${what} after fine-tuning puts the fine-tuning and its results out of date, not the source`, () => {
      const draft = fineTuned();
      change(draft);
      const s = stepStatuses(draft, ALL_DONE);
      expect(s['train-source'].state).toBe('done');
      expect(s['fine-tune']).toEqual({ state: 'out-of-date', reason });
      expect(s.results).toEqual({ state: 'out-of-date', reason });
    });
  }

  it('a fine-tuning whose baseline was cancelled is still done (the verdict says there is no comparison)', () => {
    expect(states(fineTuned(), { ...ALL_DONE, baseline: 'cancelled' })).toMatchObject({ 'fine-tune': 'done', results: 'done' });
  });

  it('a cancelled fine-tuning is stopped, its partial results can still be read', () => {
    expect(states(fineTuned(), { ...ALL_DONE, target: 'cancelled' })).toMatchObject({ 'fine-tune': 'stopped: the last run was cancelled', results: 'stopped: the last run was cancelled' });
  });

  it('reusing an earlier source skips the model and training steps; picking another run puts the fine-tuning out of date', () => {
    const draft = defaultDraft();
    draft.sourceMode = 'reuse';
    draft.reuseRunId = 'old1';
    expect(states(draft, NONE)).toMatchObject({ model: 'skipped', 'train-source': 'skipped', 'target-data': 'done', 'fine-tune': 'ready' });
    fineTuned(draft);
    expect(stepStatuses(draft, ALL_DONE)['fine-tune'].state).toBe('done');
    draft.reuseRunId = 'old2';
    expect(stepStatuses(draft, ALL_DONE)['fine-tune']).toEqual({ state: 'out-of-date', reason: 'source model changed since this run' });
  });
});

describe('canOpen', () => {
  it('opens every earlier step, and later ones only once they have begun', () => {
    const draft = sourceTrained();
    draft.step = 'train-source';
    const s = stepStatuses(draft, { ...NONE, source: 'completed' });
    expect(canOpen(s, 'train-source', 'source-data')).toBe(true);
    expect(canOpen(s, 'train-source', 'transfer')).toBe(true);
    expect(canOpen(s, 'train-source', 'results')).toBe(false);
    draft.sourceData.classes = [1, 2];
    const stale = stepStatuses(draft, { ...NONE, source: 'completed' });
    expect(canOpen(stale, 'source-data', 'train-source')).toBe(true);
    expect(canOpen(stale, 'source-data', 'target-data')).toBe(false);
  });

  it('never opens a skipped step', () => {
    const draft = defaultDraft();
    draft.sourceMode = 'reuse';
    draft.reuseRunId = 'old1';
    expect(canOpen(stepStatuses(draft, NONE), 'target-data', 'model')).toBe(false);
  });
});

describe('hasUnsavedChoices', () => {
  it('is false for a blank draft and true once a choice differs from it', () => {
    expect(hasUnsavedChoices(defaultDraft(), defaultDraft())).toBe(false);
    const draft = defaultDraft();
    draft.targetData.limitPerClass = 5;
    expect(hasUnsavedChoices(draft, defaultDraft())).toBe(true);
    const named = defaultDraft();
    named.name = 'mine';
    named.nameEdited = true;
    expect(hasUnsavedChoices(named, defaultDraft())).toBe(true);
  });

  it('is false when every choice went into a run, true once one changed after it', () => {
    const draft = fineTuned();
    expect(hasUnsavedChoices(draft, defaultDraft())).toBe(false);
    draft.frozen = ['conv1'];
    expect(hasUnsavedChoices(draft, defaultDraft())).toBe(true);
  });
});

describe('reusing an earlier source run with identical settings', () => {
  it('offers the earlier run when the choices match it again, and only then', () => {
    const draft = sourceTrained(defaultDraft(), 'srcA');
    // Change the data and train again: A is remembered, B is current.
    draft.sourceData.classes = [0, 1, 2];
    draft.earlierSources = rememberCurrentSource(draft);
    sourceTrained(draft, 'srcB');
    expect(draft.earlierSources.map((e) => e.runId)).toEqual(['srcA']);
    expect(reusableEarlierSource(draft)).toBeNull(); // B matches the current choices
    // Back to A's data: B is out of date, and A can be reused instead of training again.
    draft.sourceData.classes = [0, 1, 2, 3, 4];
    expect(stepStatuses(draft, ALL_DONE)['train-source'].state).toBe('out-of-date');
    expect(reusableEarlierSource(draft)?.runId).toBe('srcA');
    // Any other choice: nothing to reuse.
    draft.model.architecture = 'mlp';
    expect(reusableEarlierSource(draft)).toBeNull();
  });

  it('remembers a bounded number of earlier runs, newest first, without repeats', () => {
    const draft = defaultDraft();
    for (let i = 0; i < EARLIER_SOURCES_KEPT + 3; i++) {
      sourceTrained(draft, `src${i}`);
      draft.earlierSources = rememberCurrentSource(draft);
    }
    expect(draft.earlierSources).toHaveLength(EARLIER_SOURCES_KEPT);
    expect(draft.earlierSources[0].runId).toBe(`src${EARLIER_SOURCES_KEPT + 2}`);
    expect(rememberCurrentSource(draft)).toHaveLength(EARLIER_SOURCES_KEPT);
  });
});

describe('a run deleted from the history', () => {
  it('stops its step with the reason, so training again is offered', () => {
    expect(states(sourceTrained(), { ...NONE, source: 'missing' })['train-source']).toBe('stopped: the last run is no longer in the history');
    expect(states(fineTuned(), { ...ALL_DONE, target: 'missing', baseline: 'missing' })['fine-tune']).toBe('stopped: the last run is no longer in the history');
  });
});

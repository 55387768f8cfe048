// Hyperparameter validation: the pure rules, and the form on the "Train source" step where
// a bad value shows its message beside the control and keeps Start training disabled.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { batchSizeNote, defaultHyperparameters, toTrainingSpec, validateHyperparameters } from '../../../renderer/src/wizard/hyperparameters';
import { defaultDraft } from '../../../renderer/src/wizard/draft';
import type { TransferLabApi } from '@contract';

describe('fine-tuning defaults and batch-size notes', () => {
  it('fine-tunes with a smaller learning rate than the source trains with, as the Transfer step advises', () => {
    const draft = defaultDraft();
    expect(draft.targetTraining.learningRate!).toBeLessThan(draft.sourceTraining.learningRate!);
  });

  it('warns when the batch is larger than the training split, and only then', () => {
    // 20 per class × 5 classes = 100 samples, 10 % held out for validation: 90 train.
    expect(batchSizeNote(defaultHyperparameters({ batchSize: 128, validationPercent: 10 }), 100)).toBe(
      'The batch size (128) is larger than the 90 training samples: every epoch will be a single update. Try 22.',
    );
    expect(batchSizeNote(defaultHyperparameters({ batchSize: 90, validationPercent: 10 }), 100)).toBeNull();
    expect(batchSizeNote(defaultHyperparameters({ batchSize: 128 }), null)).toBeNull();
  });
});

describe('validateHyperparameters', () => {
  it('accepts the defaults and turns them into the spec’s training', () => {
    const h = defaultHyperparameters();
    expect(validateHyperparameters(h)).toEqual({});
    expect(toTrainingSpec(h)).toEqual({ epochs: 5, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0.1 });
  });

  it('names each bad field', () => {
    const errors = validateHyperparameters(defaultHyperparameters({ epochs: 0, batchSize: 2.5, learningRate: -1, validationPercent: 95 }));
    expect(Object.keys(errors).sort()).toEqual(['batchSize', 'epochs', 'learningRate', 'validationPercent']);
    expect(validateHyperparameters(defaultHyperparameters({ epochs: null })).epochs).toMatch(/whole number/);
    expect(() => toTrainingSpec(defaultHyperparameters({ epochs: 0 }))).toThrow(/epochs/);
  });

  it('checks patience and augmentation only when they are on', () => {
    expect(validateHyperparameters(defaultHyperparameters({ patience: 0 }))).toEqual({});
    expect(validateHyperparameters(defaultHyperparameters({ earlyStopping: true, patience: 0 })).patience).toBeDefined();
    expect(validateHyperparameters(defaultHyperparameters({ earlyStopping: true, validationPercent: 0 })).patience).toMatch(/validation/);
    expect(validateHyperparameters(defaultHyperparameters({ augment: true, rotation: 90 })).rotation).toBeDefined();
    const spec = toTrainingSpec(defaultHyperparameters({ augment: true, flip: true, shiftPercent: 20, rotation: 15, earlyStopping: true, patience: 2 }));
    expect(spec.augmentation).toEqual({ flip: true, shift: 0.2, rotation: 15, brightness: 0 });
    expect(spec.earlyStopping).toEqual({ patience: 2 });
  });
});

describe('the Train source step', () => {
  const calls: { method: string; args: unknown }[] = [];
  let Wizard: typeof import('../../../renderer/src/wizard/Wizard.svelte').default;

  beforeAll(async () => {
    // The core, as the renderer sees it: records calls and refuses to start, so the test
    // sees what the form sends and how a refusal is shown.
    const api: TransferLabApi = {
      call: (async (method: string, args: unknown) => {
        calls.push({ method, args });
        return { error: { code: 'dataset', message: 'builtin mnist: no such thing here' } };
      }) as TransferLabApi['call'],
      on: () => () => undefined,
    };
    window.api = api;
    localStorage.setItem('transfer-lab.wizard-draft.v1', JSON.stringify({ ...defaultDraft(), step: 'train-source' }));
    Wizard = (await import('../../../renderer/src/wizard/Wizard.svelte')).default;
  });
  afterEach(cleanup);

  function start(): HTMLButtonElement {
    return screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement;
  }

  async function setField(label: string, value: string): Promise<void> {
    const input = screen.getByLabelText(label) as HTMLInputElement;
    input.value = value;
    await fireEvent.input(input);
  }

  it('shows each bad value’s message next to it and blocks Start until it is fixed', async () => {
    render(Wizard);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('Train the source model');
    expect(start().disabled).toBe(false);

    await setField('Epochs', '0');
    expect(screen.getByText(/whole number of epochs from 1/)).toBeTruthy();
    expect(start().disabled).toBe(true);
    await setField('Epochs', '2');
    expect(screen.queryByText(/whole number of epochs from 1/)).toBeNull();
    expect(start().disabled).toBe(false);

    for (const [label, bad, message] of [
      ['Batch size', '2.5', /whole batch size/],
      ['Learning rate', '-0.1', /learning rate above 0/],
      ['Validation split (%)', '95', /validation share from 0 % to 90 %/],
    ] as const) {
      await setField(label, bad);
      const shown = screen.getByText(message);
      // The message sits in the same field as the control it is about.
      expect(shown.closest('.field')?.querySelector('input')).toBe(screen.getByLabelText(label));
      expect(start().disabled).toBe(true);
    }
  });

  it('sends a source-only spec on Start and shows the core’s refusal in place', async () => {
    render(Wizard);
    // The draft is shared with the previous test (as it is across pages): fix what it broke.
    await setField('Epochs', '2');
    await setField('Batch size', '16');
    await setField('Learning rate', '0.001');
    await setField('Validation split (%)', '10');
    expect(start().disabled).toBe(false);
    await fireEvent.click(start());
    const refusal = await screen.findByText(/no such thing here/);
    expect(refusal.closest('[role=alert]')?.textContent).toMatch(/Check that the path exists/);
    const sent = calls.find((c) => c.method === 'experiments.start')?.args as { spec: { source: { training: unknown }; target?: unknown } };
    expect(sent.spec.target).toBeUndefined();
    expect(sent.spec.source.training).toMatchObject({ epochs: 2, batchSize: 16, learningRate: 0.001, validationSplit: 0.1 });
  });
});

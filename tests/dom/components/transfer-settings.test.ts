// The layer table with freeze controls, as the Transfer step shows it: toggles and "freeze
// through here" change what is frozen and the parameter counts; the head can be kept only
// when source and target have as many classes.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import TransferSettings from '../../../renderer/src/wizard/TransferSettings.svelte';
import type { LayerRow } from '../../../renderer/src/components/layer-freeze';

const layers: LayerRow[] = [
  { name: 'conv1', type: 'Conv2D', outputShape: [null, 26, 26, 32], params: 320, trainable: true },
  { name: 'pool1', type: 'MaxPooling2D', outputShape: [null, 13, 13, 32], params: 0, trainable: true },
  { name: 'flatten', type: 'Flatten', outputShape: [null, 5408], params: 0, trainable: true },
  { name: 'dense1', type: 'Dense', outputShape: [null, 64], params: 346_176, trainable: true },
  { name: 'head', type: 'Dense', outputShape: [null, 5], params: 325, trainable: true },
];

afterEach(cleanup);

function setup(sourceClasses: number, targetClasses: number, head: 'replace' | 'keep' = 'replace', baselineCost: string | null = null) {
  return render(TransferSettings, {
    props: {
      baselineCost,
      layers,
      sourceClasses,
      targetClasses,
      frozen: [],
      head,
      regularization: { kind: 'none' as const, weight: 0.0001, alpha: 0.01, beta: 0.0001 },
      baseline: true,
    },
  });
}

function counts(): string {
  return document.querySelector('.counts')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

describe('TransferSettings: freezing layers', () => {
  it('offers no "Freeze through head" when the head is replaced (it would stop at dense1 without saying so)', () => {
    setup(5, 3, 'replace');
    expect(screen.queryByRole('button', { name: 'Freeze through head' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Freeze through dense1' })).toBeTruthy();
  });

  it('offers "Freeze through head" when the head is kept', () => {
    setup(5, 5, 'keep');
    expect(screen.getByRole('button', { name: 'Freeze through head' })).toBeTruthy();
  });

  it('toggles a layer and updates the trainable and frozen counts', async () => {
    setup(5, 5, 'keep');
    expect(counts()).toBe('346,821 trainable parameters · 0 frozen · 346,821 in total');
    const conv = screen.getByRole('checkbox', { name: 'Freeze conv1' }) as HTMLInputElement;
    await fireEvent.click(conv);
    expect(conv.checked).toBe(true);
    expect(counts()).toBe('346,501 trainable parameters · 320 frozen · 346,821 in total');
    await fireEvent.click(conv);
    expect(conv.checked).toBe(false);
    expect(counts()).toContain('0 frozen');
  });

  it('freezes everything through a layer with one action', async () => {
    setup(5, 5, 'keep');
    await fireEvent.click(screen.getByRole('button', { name: 'Freeze through dense1' }));
    expect((screen.getByRole('checkbox', { name: 'Freeze conv1' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Freeze dense1' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Freeze head' }) as HTMLInputElement).checked).toBe(false);
    expect(counts()).toBe('325 trainable parameters · 346,496 frozen · 346,821 in total');
  });

  it('says so when every layer with weights is frozen', async () => {
    setup(5, 5, 'keep');
    await fireEvent.click(screen.getByRole('button', { name: 'Freeze through head' }));
    expect(screen.getByRole('alert').textContent).toMatch(/nothing would train/);
  });

  it('forces a new head when the class counts differ, sized for the target and always trained', async () => {
    setup(5, 3, 'keep');
    const keep = screen.getByRole('radio', { name: /^Keep/ }) as HTMLInputElement;
    const replace = screen.getByRole('radio', { name: /^Replace/ }) as HTMLInputElement;
    expect(keep.disabled).toBe(true);
    await Promise.resolve();
    expect(replace.checked).toBe(true);
    expect(screen.getByText(/the source predicts 5 classes, the target has 3/)).toBeTruthy();
    // The new head: (64 + 1) × 3 parameters, and its toggle is locked.
    expect(counts()).toBe('346,691 trainable parameters · 0 frozen · 346,691 in total');
    expect((screen.getByRole('checkbox', { name: 'Freeze head' }) as HTMLInputElement).disabled).toBe(true);
  });

  it('lets the head be kept when source and target have as many classes', () => {
    setup(5, 5);
    expect((screen.getByRole('radio', { name: /^Keep/ }) as HTMLInputElement).disabled).toBe(false);
  });
});

describe('TransferSettings: the baseline toggle', () => {
  it("says what the baseline costs here, as the checkbox's description", () => {
    setup(5, 5, 'keep', 'On this machine it takes ~3.0 min, about 9× the fine-tuning.');
    const toggle = screen.getByRole('checkbox', { name: 'Also train the same model from random weights on the target data' });
    const described = (toggle.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '');
    expect(described.join(' ')).toContain('On this machine it takes ~3.0 min, about 9× the fine-tuning.');
  });

  it('gives general advice while there is no estimate', () => {
    setup(5, 5, 'keep');
    expect(document.getElementById('baseline-cost')?.textContent).toMatch(/usually takes longer than the fine-tuning/);
  });
});

// The name an experiment gets from its choices, so a list read a month later says what
// each one was: "Fashion folder (5 classes) → t10k IDX · small-cnn · 4 frozen". The wizard
// keeps the name in step with the choices until the person types their own.
import type { DataChoice, Draft } from './draft-shape';

/** The last part of a path, without a trailing slash. */
function baseName(path: string): string {
  const parts = path.trim().replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts.at(-1) ?? '';
}

/** "0–4" for a run of consecutive indices, "0, 2, 7" otherwise. */
function indexList(indices: readonly number[]): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const consecutive = sorted.every((v, i) => i === 0 || v === sorted[i - 1] + 1);
  return consecutive && sorted.length > 2 ? `${sorted[0]}–${sorted.at(-1)}` : sorted.join(', ');
}

function classesNote(choice: DataChoice): string {
  return choice.classes.length >= 2 ? ` (${choice.classes.length} classes)` : '';
}

const DOWNLOAD_NAMES: Record<string, string> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST', cifar10: 'CIFAR-10' };

/** A short description of a data choice. */
export function dataLabel(choice: DataChoice): string {
  switch (choice.origin) {
    case 'builtin':
      if (choice.name === 'mnist') return `Digits ${choice.classes.length >= 2 ? indexList(choice.classes) : '0–9'}`;
      return `Shapes${classesNote(choice)}`;
    case 'download':
      return `${DOWNLOAD_NAMES[choice.name] ?? choice.name}${classesNote(choice)}`;
    case 'folder':
      return `${baseName(choice.path) || 'image'} folder${classesNote(choice)}`;
    case 'cifar10':
      return `CIFAR-10 ${baseName(choice.path) || 'files'}${classesNote(choice)}`;
    case 'idx': {
      // "t10k-images-idx3-ubyte.gz" → "t10k": the part that tells the files apart.
      const stem = baseName(choice.path).replace(/\.gz$/i, '').replace(/[-_.]?images?[-_.]?idx\d[-_.]ubyte$/i, '').replace(/[-_.]?idx\d[-_.]ubyte$/i, '');
      return `${stem || 'images'} IDX${classesNote(choice)}`;
    }
    case 'csv':
      return `${baseName(choice.path).replace(/\.csv$/i, '') || 'table'} CSV${classesNote(choice)}`;
  }
}

function modelLabel(draft: Draft): string {
  if (draft.model.kind === 'import') return 'imported model';
  if (draft.model.kind === 'pretrained') return 'mobilenet';
  return draft.model.architecture;
}

/** The name the choices suggest. */
export function suggestedName(draft: Draft): string {
  const source = draft.sourceMode === 'reuse' ? `run …${(draft.reuseRunId ?? '').slice(-8) || '?'}` : dataLabel(draft.sourceData);
  // A replaced head is new and always trains, whatever is ticked for the old one.
  const frozen = draft.frozen.filter((n) => !(draft.head === 'replace' && n === 'head')).length;
  const parts = [`${source} → ${dataLabel(draft.targetData)}`];
  if (draft.sourceMode === 'train') parts.push(modelLabel(draft));
  parts.push(frozen === 0 ? 'nothing frozen' : `${frozen} frozen`);
  return parts.join(' · ');
}

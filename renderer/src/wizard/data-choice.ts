// Checks on a data choice that the data steps show before the person moves on.
import type { DataChoice } from './draft';
import type { DatasetPreviewInfo } from './report-types';

/** The class indices that will be used: the chosen ones, or all when none are chosen. */
export function keptClasses(choice: DataChoice, classCount: number): number[] {
  const valid = choice.classes.filter((c) => c < classCount);
  return valid.length > 0 ? valid : Array.from({ length: classCount }, (_, i) => i);
}

/** Why the choice cannot be used yet (shown beside the controls), or null. */
export function dataChoiceProblem(choice: DataChoice, preview: DatasetPreviewInfo | undefined): string | null {
  if (choice.limitPerClass !== null && (!Number.isInteger(choice.limitPerClass) || choice.limitPerClass < 1)) {
    return 'The cap on samples per class must be a whole number of at least 1 (or leave it empty for no cap).';
  }
  if (!preview) return null;
  const kept = keptClasses(choice, preview.classNames.length);
  if (kept.length < 2) return 'Keep at least two classes: a classifier needs something to tell apart.';
  const empty = kept.filter((c) => (preview.counts.train[c] ?? 0) === 0);
  if (empty.length > 0) return `These classes have no training samples: ${empty.map((c) => preview.classNames[c]).join(', ')}. Untick them.`;
  return null;
}

/** Training samples that will be used, per kept class, after the cap. */
export function usedSamples(choice: DataChoice, preview: DatasetPreviewInfo): number {
  return keptClasses(choice, preview.classNames.length).reduce((sum, c) => {
    const n = preview.counts.train[c] ?? 0;
    return sum + (choice.limitPerClass === null ? n : Math.min(n, choice.limitPerClass));
  }, 0);
}

/**
 * The two "keep half the classes" buttons: "0–4" / "5–9" when the classes are numbered,
 * "First 5 classes" / "Last 5 classes" when they are named (a range of names, such as
 * "coat–pullover", means nothing).
 */
export function halfLabels(classNames: readonly string[]): [string, string] {
  const half = Math.ceil(classNames.length / 2);
  if (classNames.every((n) => /^\d+$/.test(n))) return [`${classNames[0]}–${classNames[half - 1]}`, `${classNames[half]}–${classNames.at(-1)}`];
  return [`First ${half} classes`, `Last ${classNames.length - half} classes`];
}

// `transfer-lab estimate <spec.json>`: what each phase of the experiment will cost on this
// machine, before anything trains (experiments.estimate), so a costly from-scratch baseline
// can be left out (`transfer-lab run --no-baseline`). A bad spec exits 2 naming the field.
import { approxDuration, baselineRatio, describePhaseParts, describeRatio, type ExperimentEstimate, type PhaseCost } from '@contract';
import type { ExperimentSpecInput } from '@contract/spec';
import { openCore } from './core-client';
import { readJsonFile } from './json-file';
import { inert } from './format';

export async function estimateCommand(specFile: string, options: { db?: string; json: boolean }): Promise<number> {
  const spec = readJsonFile(specFile, 'spec');
  const core = openCore({ db: options.db });
  try {
    const estimate = await core.call('experiments.estimate', { spec: spec as ExperimentSpecInput });
    process.stdout.write(options.json ? JSON.stringify(estimate, null, 2) + '\n' : estimateText(estimate, specName(spec)));
    return 0;
  } finally {
    await core.close();
  }
}

function specName(spec: unknown): string {
  const name = (spec as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'the experiment';
}

function parts(cost: PhaseCost): string {
  const { train, validation, test } = cost.samples;
  return `${describePhaseParts(cost)}; ${cost.epochs} ${cost.epochs === 1 ? 'epoch' : 'epochs'} of ${train} samples, ${validation} validation, ${test} test, at ${cost.inputShape.join(' × ')}`;
}

/** The estimate as lines for a terminal: one per phase, the total, and how it was measured. */
export function estimateText(e: ExperimentEstimate, name: string): string {
  const rows: [string, PhaseCost | undefined, string][] = [
    ['source training', e.source, e.source ? parts(e.source) : ''],
    ['fine-tuning', e.target, e.target ? parts(e.target) : ''],
    ['baseline', e.baseline, ''],
  ];
  const ratio = baselineRatio(e);
  if (e.baseline) rows[2][2] = `from scratch${ratio === null ? '' : `, ${describeRatio(ratio)}`}; leave it out with run --no-baseline`;
  const lines = [`Estimated on this machine for "${inert(name)}":`];
  for (const [label, cost, detail] of rows) {
    if (cost) lines.push(`  ${label.padEnd(16)} ${approxDuration(cost.totalMs).padEnd(10)} ${detail}`);
  }
  lines.push(`  ${'total'.padEnd(16)} ${approxDuration(e.totalMs)}`);
  lines.push(`How: ${e.basis}.`);
  return lines.join('\n') + '\n';
}

// A study's plan: the cells it compares and the experiments it runs. Pure: the study service
// supplies the model's layers (for "each-depth" and trainable-parameter counts) and records
// the plan; the scheduler runs it.
//
// Sharing and pairing: one source experiment per seed (none when the study's experiment reuses
// a source.run), one from-scratch baseline per seed and target setting (examples per class,
// learning rate, the regularisation a baseline keeps), and one transfer experiment per seed and
// cell. A transfer run and its baseline share the seed, hence the data split, the validation
// split and the epochs: every comparison is paired by seed.
import type { ExperimentSpec, FreezeSpec, RegularizationSpec } from '@contract/spec';
import type { StudySpec } from '@contract/study';

export interface LayerInfo {
  name: string;
  params: number;
}

export type StudyJobKind = 'source' | 'baseline' | 'transfer';

export interface StudyCell {
  key: string;
  label: string;
  freeze: FreezeSpec;
  /** How many weighted layers the freeze setting freezes (the x axis of gain vs depth). */
  frozenDepth: number;
  targetPerClass: number | null;
  learningRate: number;
  regularization: RegularizationSpec;
  /** Parameters left to train under this freeze setting; null when the layers are unknown. */
  trainableParams: number | null;
}

export interface StudyJob {
  key: string;
  kind: StudyJobKind;
  seed: number;
  /** The transfer job's cell. */
  cellKey: string | null;
  /** The source job a baseline or transfer job takes its source model from (null: the spec's own source.run). */
  sourceKey: string | null;
  /** A transfer job's baseline. */
  baselineKey: string | null;
  /** The experiment to start; SOURCE_RUN_PLACEHOLDER in source.run stands for the source job's run. */
  spec: ExperimentSpec;
}

export interface StudyPlan {
  cells: StudyCell[];
  jobs: StudyJob[];
}

export const SOURCE_RUN_PLACEHOLDER = '<source run of this seed>';

/** The freeze settings "each-depth" means: none, through each weighted layer below the head in turn, all but the head. */
export function eachDepth(layers: LayerInfo[]): FreezeSpec[] {
  const weighted = layers.filter((l) => l.params > 0);
  const belowHead = weighted.slice(0, -1);
  // Freezing through the last weighted layer below the head is "all but the head".
  return ['none', ...belowHead.slice(0, -1).map((l) => ({ through: l.name })), ...(belowHead.length > 0 ? ['all-but-head' as const] : [])];
}

/** The names a freeze setting freezes, given the model's layers in order. */
export function frozenNames(freeze: FreezeSpec, layers: LayerInfo[]): Set<string> {
  const names = layers.map((l) => l.name);
  if (freeze === 'none') return new Set();
  if (freeze === 'all-but-head') {
    const head = [...layers].reverse().find((l) => l.params > 0)?.name;
    return new Set(names.filter((n) => n !== head));
  }
  if ('through' in freeze) return new Set(names.slice(0, names.indexOf(freeze.through) + 1));
  return new Set(freeze.layers);
}

export function describeFreeze(freeze: FreezeSpec): string {
  if (freeze === 'none') return 'nothing frozen';
  if (freeze === 'all-but-head') return 'all but the head frozen';
  if ('through' in freeze) return `frozen through ${freeze.through}`;
  return `frozen: ${freeze.layers.join(', ')}`;
}

function describeRegularization(r: RegularizationSpec): string {
  if (r.kind === 'none') return 'no regularisation';
  if (r.kind === 'l2') return `L2 ${r.weight}`;
  return `L2-SP α ${r.alpha} β ${r.beta}`;
}

/** The baseline trains with weight decay but never with L2-SP (it has no source weights); see phase-settings.ts. */
function baselineRegularization(r: RegularizationSpec): RegularizationSpec {
  return r.kind === 'l2' ? r : { kind: 'none' };
}

export function planStudy(study: StudySpec, layers: LayerInfo[] | null): StudyPlan {
  const freezes = study.freeze === 'each-depth' ? eachDepth(layers ?? []) : study.freeze;
  const experiment = study.experiment;
  const reusesSource = 'run' in experiment.source;
  const several = <T>(list: T[]) => list.length > 1;
  const cells: StudyCell[] = [];
  for (const perClass of study.targetPerClass) {
    for (const learningRate of study.learningRate) {
      for (const regularization of study.regularization) {
        for (const freeze of freezes) {
          const frozen = layers ? frozenNames(freeze, layers) : null;
          const label = [
            describeFreeze(freeze),
            several(study.targetPerClass) || perClass !== null ? (perClass === null ? 'all examples' : `${perClass} per class`) : '',
            several(study.learningRate) ? `learning rate ${learningRate}` : '',
            several(study.regularization) ? describeRegularization(regularization) : '',
          ].filter(Boolean).join(' · ');
          cells.push({
            key: `c${cells.length + 1}`,
            label,
            freeze,
            frozenDepth: layers && frozen ? layers.filter((l) => l.params > 0 && frozen.has(l.name)).length : freezes.indexOf(freeze),
            targetPerClass: perClass,
            learningRate,
            regularization,
            trainableParams: layers && frozen ? layers.filter((l) => !frozen.has(l.name)).reduce((sum, l) => sum + l.params, 0) : null,
          });
        }
      }
    }
  }

  const jobs: StudyJob[] = [];
  const baselineKeys = new Map<string, string>();
  for (const seed of study.seeds) {
    const sourceKey = reusesSource ? null : `source/s${seed}`;
    const sourceRun = reusesSource ? (experiment.source as { run: string }).run : SOURCE_RUN_PLACEHOLDER;
    if (sourceKey) {
      jobs.push({
        key: sourceKey, kind: 'source', seed, cellKey: null, sourceKey: null, baselineKey: null,
        spec: { name: `${study.name} · source · seed ${seed}`, seed, backend: experiment.backend, source: experiment.source },
      });
    }
    for (const cell of cells) {
      const dataset = { ...experiment.target.dataset, limitPerClass: cell.targetPerClass ?? undefined };
      if (dataset.limitPerClass === undefined) delete dataset.limitPerClass;
      const training = { ...experiment.target.training, learningRate: cell.learningRate };
      const baselineReg = baselineRegularization(cell.regularization);
      const settingKey = JSON.stringify([seed, cell.targetPerClass, cell.learningRate, baselineReg]);
      let baselineKey = baselineKeys.get(settingKey);
      if (!baselineKey) {
        baselineKey = `baseline/s${seed}/b${baselineKeys.size + 1}`;
        baselineKeys.set(settingKey, baselineKey);
        const what = [cell.targetPerClass === null ? '' : `${cell.targetPerClass} per class`, several(study.learningRate) ? `learning rate ${cell.learningRate}` : ''].filter(Boolean).join(' · ');
        jobs.push({
          key: baselineKey, kind: 'baseline', seed, cellKey: null, sourceKey, baselineKey: null,
          spec: {
            name: `${study.name} · from scratch${what ? ` · ${what}` : ''} · seed ${seed}`, seed, backend: experiment.backend,
            source: { run: sourceRun },
            target: { ...experiment.target, dataset, training, freeze: 'none', regularization: baselineReg, baseline: true },
          },
        });
      }
      jobs.push({
        key: `transfer/${cell.key}/s${seed}`, kind: 'transfer', seed, cellKey: cell.key, sourceKey, baselineKey,
        spec: {
          name: `${study.name} · ${cell.label} · seed ${seed}`, seed, backend: experiment.backend,
          source: { run: sourceRun },
          target: { ...experiment.target, dataset, training, freeze: cell.freeze, regularization: cell.regularization, baseline: false },
        },
      });
    }
  }
  return { cells, jobs };
}

/** Puts the source job's run into a spec that reuses it. */
export function withSourceRun(spec: ExperimentSpec, sourceRunId: string): ExperimentSpec {
  return 'run' in spec.source && spec.source.run === SOURCE_RUN_PLACEHOLDER ? { ...spec, source: { run: sourceRunId } } : spec;
}

// A new run that continues an earlier one from its last checkpoint: "train more" (a completed
// run, N more epochs) or "resume" (an interrupted, failed or cancelled run, up to the epochs it
// had planned). The new run has the earlier run's role and data (same spec, seed and split),
// starts from the checkpoint's weights and optimizer state, and numbers its epochs on from
// the checkpoint's. Because each epoch's shuffle is seeded by its number (train.ts), a resumed
// run trains exactly the epochs the original would have.
import { decodeAtModelSize } from './model-fit';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadDataset, conformDataset } from '../engine/data/datasets';
import { applyFreeze, readWeightsSnapshot, loadModel, resolveFrozenLayers } from '../engine/model';
import { readCheckpoint, checkpointFolders, checkpointSize, existingCheckpointFolder } from '../engine/training/checkpoints';
import type { RegularizationSpec } from '@contract/spec';
import type { Continuation } from './protocol';
import { trainPhase, type PhaseContext, type PhaseInput } from './train-phase';
import { architectureOf, baselineRegularization, loadOptions } from './phase-settings';
import { overlapWhileDecoding, type OverlappedFeatures } from './overlapped-features';
import { trainingThreads } from './training-threads';
import { isAugmentationOn } from '../engine/data/augmentation';

export async function continueRun(ctx: PhaseContext, continuation: Continuation): Promise<void> {
  let overlapped: (() => OverlappedFeatures | undefined) | undefined;
  try {
    await continueFromCheckpoint(ctx, continuation, (started) => (overlapped = started));
  } finally {
    // Used and released by the phase; released here when loading or the phase stopped first.
    await overlapped?.()?.dispose();
  }
}

async function continueFromCheckpoint(
  ctx: PhaseContext,
  continuation: Continuation,
  onOverlap: (started: () => OverlappedFeatures | undefined) => void,
): Promise<void> {
  const { job } = ctx;
  const spec = job.spec;
  if (job.phases.length !== 1) throw new Error(`a continuation job has exactly one run, got ${job.phases.length}`);
  const plan = job.phases[0];
  const checkpoint = await readCheckpoint(continuation.checkpointDir);
  const { model, info } = checkpoint;
  const inputShape = model.inputs[0].shape.slice(1) as number[];

  const loadStart = performance.now();
  let input: Omit<PhaseInput, 'model' | 'start' | 'architecture' | 'extraHyperparams'>;
  if (plan.role === 'source') {
    if ('run' in spec.source) throw new Error('this experiment reused an earlier source run; continue that run instead');
    const data = conformDataset(await loadDataset(decodeAtModelSize(spec.source.dataset, inputShape).spec, loadOptions(job, ctx.report, ctx.isCancelled)), inputShape);
    input = { data, datasetSpec: spec.source.dataset, training: spec.source.training, frozenLayers: [] };
  } else {
    const target = spec.target;
    if (!target) throw new Error(`the experiment's spec has no target, so its ${plan.role} run cannot be continued`);
    // A target run caches its frozen features: their pass starts while a cold folder decodes.
    const overlap =
      plan.role === 'target'
        ? overlapWhileDecoding(
            () => ({ model, frozenLayers: resolveFrozenLayers(model, target.freeze), augmentationOn: isAugmentationOn(target.training.augmentation) }),
            { inputShape, threads: job.trainingThreads ?? trainingThreads(), isCancelled: ctx.isCancelled },
          )
        : undefined;
    if (overlap) onOverlap(overlap.started);
    const loaded = await loadDataset(decodeAtModelSize(target.dataset, inputShape).spec, { ...loadOptions(job, ctx.report, ctx.isCancelled), onBuildingDataset: overlap?.onBuildingDataset });
    overlap?.started()?.loadFinished();
    const data = conformDataset(loaded, inputShape);
    if (plan.role === 'target') {
      const frozen = resolveFrozenLayers(model, target.freeze);
      applyFreeze(model, frozen);
      input = {
        data,
        datasetSpec: target.dataset,
        training: target.training,
        frozenLayers: frozen,
        regularization: await targetRegularization(target.regularization, target.head, continuation),
        overlapped: overlap?.started(),
      };
    } else {
      input = { data, datasetSpec: target.dataset, training: target.training, frozenLayers: [], regularization: { spec: baselineRegularization(target.regularization) } };
    }
  }

  await carryOverBestCheckpoint(ctx, continuation, plan.runId, plan.runDir);
  const firstEpoch = info.epoch + 1;
  const what = continuation.kind === 'resume' ? 'resumed' : 'continued (train more)';
  await trainPhase(ctx, plan, {
    ...input,
    loadMs: performance.now() - loadStart,
    model,
    training: { ...input.training, epochs: continuation.epochs },
    architecture: architectureOf(spec),
    extraHyperparams: {
      continuation: { kind: continuation.kind, fromRunId: continuation.fromRunId, firstEpoch },
    },
    start: {
      firstEpoch,
      optimizerState: checkpoint.optimizerState,
      // Train more asks for N more epochs: patience counts afresh from the best so far.
      earlyStopping: continuation.kind === 'resume' ? info.earlyStopping : { best: info.earlyStopping.best, sinceBest: 0 },
      note: `${what} from run ${continuation.fromRunId} after epoch ${info.epoch} (weights and ${info.optimizer} optimizer state from its last checkpoint)`,
    },
  });
}

/** L2-SP's source weights: the source model's, as they were right after transfer. */
async function targetRegularization(spec: RegularizationSpec, head: 'replace' | 'keep', continuation: Continuation): Promise<PhaseInput['regularization']> {
  if (spec.kind !== 'l2-sp') return { spec };
  if (!continuation.sourceModelDir) throw new Error('continuing an L2-SP target run needs its source model, and none was found');
  const source = await loadModel(continuation.sourceModelDir);
  const snapshot = await readWeightsSnapshot(source);
  source.dispose();
  return { spec, source: snapshot, newLayers: head === 'replace' ? ['head'] : [] };
}

/** The new run's best checkpoint starts as the earlier run's, so "best" means best over the whole lineage. */
async function carryOverBestCheckpoint(ctx: PhaseContext, continuation: Continuation, runId: string, runDir: string): Promise<void> {
  const parentBest = await existingCheckpointFolder(path.join(path.dirname(continuation.checkpointDir), 'best'));
  if (!parentBest) return;
  const { best } = checkpointFolders(runDir);
  await fs.mkdir(path.dirname(best), { recursive: true });
  await fs.cp(parentBest, best, { recursive: true });
  ctx.report({ type: 'artifact', runId, kind: 'checkpoint', path: best, sizeBytes: await checkpointSize(best) });
}

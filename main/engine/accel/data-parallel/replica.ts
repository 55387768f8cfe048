// Entry point of one data-parallel replica (a worker_thread with its own tfjs and wasm
// instance). It rebuilds the coordinator's model and optimizer, then loops without returning
// to the event loop: wait for a step, compute its shard's gradients, publish them, wait for
// the averaged gradients, apply them. Built to dist/main/data-parallel-replica.js.
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../backend';
import { createOptimizer } from '../../training/optimizers/create-optimizer';
import { applyFlatGradients, shardGradients } from './shard-step';
import { trainingForward } from '../training-forward';
import { APPLY, COMMAND, DONE, EXIT, FAILED, GO, SAMPLES, type ReplicaInit, type ReplicaMessage } from './replica-protocol';

const post = (message: ReplicaMessage) => parentPort!.postMessage(message);

async function start(init: ReplicaInit): Promise<void> {
  await selectBackend(init.backend);
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(init.topology) });
  model.setWeights(init.weights.map((w) => tf.tensor(w.values, w.shape)));
  const optimizer = createOptimizer({ optimizer: init.optimizer.name, learningRate: init.optimizer.learningRate });
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const forward = trainingForward(model);
  const control = new Int32Array(init.control);
  const x = new Float32Array(init.x);
  const y = new Int32Array(init.y);
  const gradients = new Float32Array(init.gradients);
  const stats = new Float64Array(init.stats);
  const averaged = new Float32Array(init.averaged);
  post({ type: 'ready' });

  let step = 0;
  for (;;) {
    Atomics.wait(control, GO, step);
    step = Atomics.load(control, GO);
    if (Atomics.load(control, COMMAND) === EXIT) break;
    const n = Atomics.load(control, SAMPLES);
    // A shard of none (batch smaller than the replica count) only applies the update.
    const result = n > 0 ? shardGradients(model, trainable, x, y, n, init.inputShape, gradients, forward) : { lossSum: 0, correct: 0 };
    stats[0] = result.lossSum;
    stats[1] = result.correct;
    Atomics.store(control, DONE, step);
    Atomics.notify(control, DONE);
    while (Atomics.load(control, APPLY) !== step) {
      if (Atomics.load(control, COMMAND) === EXIT) return;
      Atomics.wait(control, APPLY, step - 1, 1000);
    }
    applyFlatGradients(optimizer, trainable, averaged);
  }
}

const init = workerData as ReplicaInit;
start(init).catch((err: unknown) => {
  const control = new Int32Array(init.control);
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  Atomics.store(control, FAILED, 1);
  Atomics.notify(control, DONE);
});

// Entry point of one inference thread for parallel-predict.ts: rebuilds the model it was
// given (with its own tfjs and wasm instance) and answers each batch of inputs with the
// model's outputs, one batch at a time, in the order they came. Built to
// dist/main/predict-thread.js.
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../backend';
import type { PredictBatch, PredictInit, PredictReply } from './predict-protocol';
import { inferenceForward } from '../folded-inference';

const post = (message: PredictReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);

async function start(init: PredictInit): Promise<void> {
  await selectBackend(init.backend);
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(init.topology) });
  model.setWeights(init.weights.map((w) => tf.tensor(w.values, w.shape)));
  // Batch normalisation folded into the convolutions: the same values as model.predict, in a
  // fraction of the passes (folded-inference.ts). The weights never change in this thread.
  const inference = inferenceForward(model);
  parentPort!.on('message', (batch: PredictBatch) => {
    try {
      const out = tf.tidy(() => inference.forward(tf.tensor(batch.x, [batch.n, ...init.inputShape])));
      const values = out.dataSync() as Float32Array;
      out.dispose();
      const copy = new Float32Array(values);
      post({ type: 'result', id: batch.id, values: copy }, [copy.buffer as ArrayBuffer]);
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
  post({ type: 'ready' });
}

start(workerData as PredictInit).catch((err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));

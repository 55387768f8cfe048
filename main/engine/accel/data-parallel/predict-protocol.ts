// Messages between parallel-predict.ts and its inference threads (predict-thread.ts).

export interface PredictInit {
  /** model.toJSON() of the model to run (standard Keras layers). */
  topology: string;
  /** All its weights, in model.getWeights() order. */
  weights: { shape: number[]; values: Float32Array }[];
  inputShape: number[];
  backend: 'wasm' | 'cpu';
}

/** n inputs, row-major; the buffer is transferred to the thread. */
export interface PredictBatch {
  id: number;
  n: number;
  x: Float32Array;
}

export type PredictReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; values: Float32Array }
  | { type: 'failed'; message: string };

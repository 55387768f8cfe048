// What the coordinator and its worker-thread replicas share. Each replica gets its own
// control words and buffers (SharedArrayBuffer), so no two threads ever write the same bytes:
//   control (Int32Array): [GO] step number the coordinator has started, [SAMPLES] shard size,
//   [DONE] step whose gradients the replica has written, [APPLY] step whose averaged
//   gradients are ready, [COMMAND] RUN or EXIT, [FAILED] 1 after an error (message posted).
export const GO = 0;
export const SAMPLES = 1;
export const DONE = 2;
export const APPLY = 3;
export const COMMAND = 4;
export const FAILED = 5;
export const CONTROL_WORDS = 6;
export const RUN = 0;
export const EXIT = 1;

export interface ReplicaInit {
  /** model.toJSON() of the coordinator's model (standard Keras layers). */
  topology: string;
  /** All the model's weights, in model.getWeights() order. */
  weights: { shape: number[]; values: Float32Array }[];
  optimizer: { name: 'adam' | 'sgd' | 'rmsprop' | 'adadelta'; learningRate: number };
  inputShape: number[];
  numClasses: number;
  control: SharedArrayBuffer;
  /** This replica's shard: maxShard samples of x (float32) and y (int32). */
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  /** Where this replica writes its flat gradients. */
  gradients: SharedArrayBuffer;
  /** [lossSum, correct] of this replica's shard (Float64Array). */
  stats: SharedArrayBuffer;
  /** The averaged flat gradients, written by the coordinator (shared by all replicas). */
  averaged: SharedArrayBuffer;
  backend: 'wasm' | 'cpu';
}

export type ReplicaMessage = { type: 'ready' } | { type: 'failed'; message: string };

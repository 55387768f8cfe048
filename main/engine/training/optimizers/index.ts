// Optimizers whose per-variable update is one fused wasm SIMD call on the wasm backend and
// tfjs's stock code elsewhere; state, checkpoints and results are the stock ones.
export { FusedAdamOptimizer, fusedAdam } from './fused-adam';
export { FusedSGDOptimizer, fusedSgd } from './fused-sgd';
export { FusedRMSPropOptimizer, fusedRmsprop } from './fused-rmsprop';
export { createOptimizer } from './create-optimizer';

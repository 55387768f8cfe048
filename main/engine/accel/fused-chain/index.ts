export { fusedChainForward } from './fused-chain-forward';
export { chainSteps, type ChainStep } from './chain-steps';

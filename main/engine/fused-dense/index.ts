export { fusedDenseForward, denseSteps, type DenseActivation, type DenseStep } from './fused-dense-forward';

export { fusedDenseForward, denseSteps, denseStep, denseForward, activationBackward, type DenseActivation, type DenseStep } from './fused-dense-forward';

export { fusedDenseForward } from './fused-dense-forward';

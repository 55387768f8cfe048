export { categoricalCrossEntropy, type CrossEntropyStep } from './categorical-crossentropy';

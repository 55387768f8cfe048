// The models module: built-in architectures, summaries, freezing, head replacement, splitting
// for feature caching, and TF.js layers-format files.
export { buildModel, layerSeed } from './architectures';
export { summarizeModel, type LayerSummary, type ModelSummary } from './summary';
export { resolveFrozenLayers, applyFreeze, isFrozenPrefix } from './freeze';
export { splitAtLayer, type SplitModel } from './split-model';
export { transferModel, reinitialisedCopy, type TransferOptions } from './head';
export { saveModel, loadModel, MODEL_JSON_FILE, WEIGHTS_FILE, type SavedModelFiles } from './io';
export { getWeightsSnapshot, readWeightsSnapshot, weightKey } from './weights-snapshot';
export { headLayer, headUnits, layerNames } from './layer-stack';
export { ModelError } from './model-error';

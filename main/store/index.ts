// The store's public surface: import from 'main/store' rather than its files.
export { createStore, Store } from './store';
export { openDatabase, isProcessAlive, markOrphanedRunsInterrupted, stopSurvivingWorker } from './db';
export { ownIdentity, processStartTime, processCommandLine, isSameProcessAlive } from './process-identity';
export type { ProcessIdentity } from './process-identity';
export type { Database, OpenOptions } from './db';
export { migrate, schemaVersion } from './migrate';
export type { Migration } from './migrate';
export { migrations } from './migrations';
export { defaultDataFolder, defaultDatabasePath, runFolder, APP_FOLDER_NAME, DATABASE_FILE_NAME } from './location';
export { StoreError } from './store-error';
export type { StoreErrorCode } from './store-error';
export { newId } from './ids';
export { runRoles, runStatuses, finalRunStatuses } from './run-row';
export type { Run, RunRole, RunStatus, RunEnvironment } from './run-row';
export type { NewRun, RunPatch, RunsRepository } from './runs';
export { runSortColumns, MAX_PAGE_SIZE } from './run-list';
export type { RunListQuery, RunPage, RunSortColumn } from './run-list';
export type { Experiment, NewExperiment, TransferResult, ExperimentsRepository } from './experiments';
export type { MetricInput, MetricSeries, MetricsRepository } from './metrics';
export type {
  ClassMetrics, ConfusionMatrix, MisclassifiedExample, NewEvaluation, Evaluation, EvaluationsRepository,
} from './evaluations';
export type { Artifact, ArtifactKind, NewArtifact, ArtifactsRepository } from './artifacts';
export type { TagsRepository } from './tags';

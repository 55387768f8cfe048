// The contract's result types the wizard works with, named once.
import type { MethodResult } from '@contract';

export type ExperimentReportInfo = MethodResult<'experiments.get'>;
export type RunReportInfo = ExperimentReportInfo['runs'][number];
export type EpochRowInfo = RunReportInfo['epochs'][number];
export type RunStatusName = RunReportInfo['status'];
export type ModelSummary = MethodResult<'models.summary'>;
export type DatasetPreviewInfo = MethodResult<'datasets.preview'>;
export type RunRow = MethodResult<'runs.list'>['rows'][number];

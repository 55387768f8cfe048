// The Run type and its mapping from the runs table (snake_case) to camelCase. Shared by
// the runs repository and the run list query so both return exactly the same shape.
import { fromJson } from './json-columns';

import type { RunRole, RunStatus } from '@contract/results';

// A run's role and status are declared once, in the contract.
export { runRoles, runStatuses, finalRunStatuses, type RunRole, type RunStatus } from '@contract/results';

/** Where and with what a run trained; written once the worker has picked its backend. */
export interface RunEnvironment {
  /** The tfjs backend in use, e.g. "tensorflow", "wasm", "cpu". */
  backend: string;
  /** Why that backend: which faster ones were skipped and why. */
  backendReason?: string;
  tfjsVersion?: string;
  appVersion?: string;
  nodeVersion?: string;
  os?: string;
  cpu?: string;
  gpu?: string | null;
  [key: string]: unknown;
}

export interface Run {
  id: string;
  experimentId: string;
  experimentName: string;
  role: RunRole;
  /** The run this one was transferred from or continues; null for a fresh run. */
  parentRunId: string | null;
  /** Optional user label. */
  name: string | null;
  status: RunStatus;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  error: string | null;
  hyperparams: Record<string, unknown>;
  frozenLayers: string[];
  environment: RunEnvironment | null;
  /** A summary of the dataset (name, class names, counts, …), as the caller stored it. */
  dataset: unknown;
  datasetName: string | null;
  architecture: string | null;
  /** Copy of the latest 'test' evaluation's accuracy. */
  testAccuracy: number | null;
  ownerPid: number | null;
  /** The folder for this run's artifacts (created by whoever writes the first file). */
  runDir: string | null;
  notes: string;
  /** Sorted alphabetically. */
  tags: string[];
  /** For the target run an experiment's gain was measured on: target − baseline test accuracy. */
  transferGain: number | null;
}

export interface RunRow {
  id: string;
  experiment_id: string;
  experiment_name: string;
  role: RunRole;
  parent_run_id: string | null;
  name: string | null;
  status: RunStatus;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
  hyperparams_json: string;
  frozen_layers_json: string;
  environment_json: string | null;
  dataset_json: string | null;
  dataset_name: string | null;
  architecture: string | null;
  test_accuracy: number | null;
  owner_pid: number | null;
  run_dir: string | null;
  notes: string;
  tags_json: string;
  transfer_gain: number | null;
}

/** Select list for RunRow; expects `runs r JOIN experiments e ON e.id = r.experiment_id`. */
/**
 * The transfer gain belongs to the experiment; a list shows it on the target run it was
 * measured for (result_json.targetRunId), so it can be read and sorted per run.
 */
export const RUN_TRANSFER_GAIN = `CASE WHEN r.id = json_extract(e.result_json, '$.targetRunId') THEN e.transfer_gain END`;

export const RUN_COLUMNS = `r.*, e.name AS experiment_name, ${RUN_TRANSFER_GAIN} AS transfer_gain,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM run_tags t WHERE t.run_id = r.id ORDER BY tag)) AS tags_json`;

export const RUN_FROM = 'runs r JOIN experiments e ON e.id = r.experiment_id';

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    experimentName: row.experiment_name,
    role: row.role,
    parentRunId: row.parent_run_id,
    name: row.name,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error,
    hyperparams: fromJson<Record<string, unknown>>(row.hyperparams_json),
    frozenLayers: fromJson<string[]>(row.frozen_layers_json),
    environment: fromJson<RunEnvironment>(row.environment_json),
    dataset: fromJson(row.dataset_json),
    datasetName: row.dataset_name,
    architecture: row.architecture,
    testAccuracy: row.test_accuracy,
    ownerPid: row.owner_pid,
    runDir: row.run_dir,
    notes: row.notes,
    tags: fromJson<string[]>(row.tags_json),
    transferGain: row.transfer_gain,
  };
}

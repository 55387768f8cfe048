// Schema version 1: the initial schema.
//
// Conventions: ids are ULID-shaped text (see ../ids.ts); every *_at and wall_ms column is
// Unix epoch milliseconds (INTEGER); *_json columns hold JSON text; tables are STRICT so a
// wrong type is an error instead of a silently stored string.
//
//   experiments  one experiment spec and, once its runs finish, its outcome.
//                result_json is the transfer outcome ({ targetRunId, baselineRunId,
//                targetAccuracy, baselineAccuracy, transferGain, epochReachingBaseline })
//                and transfer_gain a copy of its gain (target test accuracy − baseline
//                test accuracy) for sorting.
//   runs         one training job: role source|target|baseline; parent_run_id is the run
//                it was transferred from (lineage). status follows
//                queued → running → completed|failed|cancelled|interrupted; ended_at is set
//                exactly when the status is final. owner_pid is the process that writes
//                the run: on open, queued/running runs whose owner is gone become
//                'interrupted'. test_accuracy copies the latest 'test' evaluation so lists
//                sort without a join. dataset_name copies the dataset summary's name so
//                lists filter by it with an index. run_dir is the artifact folder. notes is
//                free text the user writes.
//   metrics      one row per measured value: per step (step set) or per epoch (step NULL).
//                value NULL means the measurement was NaN.
//   evaluations  one row per (run, split): accuracy, loss, per-class precision/recall/F1/
//                support, confusion matrix, misclassified examples.
//   artifacts    files a run produced (model, checkpoint, …), one row per (run, path).
//   run_tags     user tags, unique per run.
// Deleting an experiment deletes its runs; deleting a run deletes its metrics, evaluations,
// artifact rows and tags, and clears parent_run_id in runs transferred from it.
import type { Migration } from '../migrate';

export const migration0001: Migration = {
  version: 1,
  name: 'initial schema',
  up(db) {
    db.exec(`
      CREATE TABLE experiments (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        spec_json     TEXT NOT NULL CHECK (json_valid(spec_json)),
        created_at    INTEGER NOT NULL,
        result_json   TEXT CHECK (result_json IS NULL OR json_valid(result_json)),
        transfer_gain REAL
      ) STRICT;
      CREATE INDEX experiments_created_at ON experiments (created_at);

      CREATE TABLE runs (
        id                 TEXT PRIMARY KEY,
        experiment_id      TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
        role               TEXT NOT NULL CHECK (role IN ('source', 'target', 'baseline')),
        parent_run_id      TEXT REFERENCES runs (id) ON DELETE SET NULL,
        name               TEXT,
        status             TEXT NOT NULL DEFAULT 'queued'
                             CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
        created_at         INTEGER NOT NULL,
        started_at         INTEGER,
        ended_at           INTEGER,
        error              TEXT,
        hyperparams_json   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(hyperparams_json)),
        frozen_layers_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(frozen_layers_json)),
        environment_json   TEXT CHECK (environment_json IS NULL OR json_valid(environment_json)),
        dataset_json       TEXT CHECK (dataset_json IS NULL OR json_valid(dataset_json)),
        dataset_name       TEXT,
        architecture       TEXT,
        test_accuracy      REAL CHECK (test_accuracy IS NULL OR test_accuracy BETWEEN 0 AND 1),
        owner_pid          INTEGER,
        run_dir            TEXT,
        notes              TEXT NOT NULL DEFAULT '',
        CHECK ((status IN ('completed', 'failed', 'cancelled', 'interrupted')) = (ended_at IS NOT NULL)),
        CHECK (status <> 'running' OR started_at IS NOT NULL)
      ) STRICT;
      CREATE INDEX runs_experiment ON runs (experiment_id);
      CREATE INDEX runs_parent ON runs (parent_run_id);
      CREATE INDEX runs_created_at ON runs (created_at);
      CREATE INDEX runs_status ON runs (status, created_at);
      CREATE INDEX runs_test_accuracy ON runs (test_accuracy);
      CREATE INDEX runs_dataset_name ON runs (dataset_name);

      CREATE TABLE metrics (
        run_id  TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        epoch   INTEGER NOT NULL CHECK (epoch >= 0),
        step    INTEGER CHECK (step IS NULL OR step >= 0),
        name    TEXT NOT NULL CHECK (length(name) > 0),
        value   REAL,
        wall_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX metrics_run_name_epoch_step ON metrics (run_id, name, epoch, step);

      CREATE TABLE evaluations (
        id                 INTEGER PRIMARY KEY,
        run_id             TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        split              TEXT NOT NULL CHECK (length(split) > 0),
        accuracy           REAL NOT NULL CHECK (accuracy BETWEEN 0 AND 1),
        loss               REAL,
        per_class_json     TEXT NOT NULL CHECK (json_valid(per_class_json)),
        confusion_json     TEXT NOT NULL CHECK (json_valid(confusion_json)),
        misclassified_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(misclassified_json)),
        created_at         INTEGER NOT NULL,
        UNIQUE (run_id, split)
      ) STRICT;

      CREATE TABLE artifacts (
        id         INTEGER PRIMARY KEY,
        run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (length(kind) > 0),
        path       TEXT NOT NULL CHECK (length(path) > 0),
        size_bytes INTEGER CHECK (size_bytes IS NULL OR size_bytes >= 0),
        created_at INTEGER NOT NULL,
        UNIQUE (run_id, path)
      ) STRICT;

      CREATE TABLE run_tags (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tag    TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 64),
        PRIMARY KEY (run_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX run_tags_tag ON run_tags (tag);
    `);
  },
};

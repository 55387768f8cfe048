// Schema version 3: studies — an experiment repeated over seeds and swept over settings.
//
//   studies             one per study: its spec, status, how it was scheduled, who runs it
//                       (pid + start time, as runs record it, so a dead owner reads interrupted).
//   study_cells         the settings it compares (freeze, examples per class, learning rate,
//                       regularisation), each with the parameters it leaves to train.
//   study_experiments   every experiment the study runs — a source per seed, a baseline per seed
//                       and target setting, a transfer per seed and cell — with the run it produced.
//                       Each links to its experiment, so every run still appears in Runs; deleting
//                       that experiment leaves the row, pending again (experiment_id NULL).
import type { Migration } from '../migrate';

export const migration0003: Migration = {
  version: 3,
  name: 'studies',
  up(db) {
    db.exec(`
      CREATE TABLE studies (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        spec_json TEXT NOT NULL CHECK (json_valid(spec_json)),
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted')),
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        concurrency INTEGER,
        training_threads INTEGER,
        owner_pid INTEGER,
        owner_started_at INTEGER,
        error TEXT
      ) STRICT;
      CREATE INDEX studies_created_at ON studies (created_at);

      CREATE TABLE study_cells (
        study_id TEXT NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        settings_json TEXT NOT NULL CHECK (json_valid(settings_json)),
        frozen_depth INTEGER NOT NULL,
        target_per_class INTEGER,
        trainable_params INTEGER,
        PRIMARY KEY (study_id, key)
      ) STRICT;

      CREATE TABLE study_experiments (
        study_id TEXT NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('source', 'baseline', 'transfer')),
        seed INTEGER NOT NULL,
        cell_key TEXT,
        source_key TEXT,
        baseline_key TEXT,
        spec_json TEXT NOT NULL CHECK (json_valid(spec_json)),
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
        experiment_id TEXT REFERENCES experiments (id) ON DELETE SET NULL,
        run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
        error TEXT,
        PRIMARY KEY (study_id, key),
        CHECK ((kind = 'transfer') = (cell_key IS NOT NULL))
      ) STRICT;
      CREATE INDEX study_experiments_experiment ON study_experiments (experiment_id);
      CREATE INDEX study_experiments_run ON study_experiments (run_id);

      -- A deleted experiment's row has nothing left to show: it is pending again.
      CREATE TRIGGER study_experiments_orphaned AFTER UPDATE OF experiment_id ON study_experiments
        WHEN NEW.experiment_id IS NULL AND OLD.experiment_id IS NOT NULL
        BEGIN UPDATE study_experiments SET status = 'pending', run_id = NULL WHERE study_id = NEW.study_id AND key = NEW.key; END;
    `);
  },
};

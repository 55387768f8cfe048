// Schema version 2: who owns a run, beyond a pid.
//
//   runs.owner_started_at   when the owning process (the supervisor that writes the run's
//                           results) started, Unix epoch ms. With owner_pid it identifies the
//                           owner even after the pid is reused by another process.
//   runs.worker_pid         the training worker process of a running run, and
//   runs.worker_started_at  its start time: on recovery a worker that outlived its
//                           supervisor is recognised (pid + start time + command line) and stopped.
// All three are NULL for runs recorded before version 2 and for imported runs.
import type { Migration } from '../migrate';

export const migration0002: Migration = {
  version: 2,
  name: 'run owner identity',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN owner_started_at INTEGER;
      ALTER TABLE runs ADD COLUMN worker_pid INTEGER;
      ALTER TABLE runs ADD COLUMN worker_started_at INTEGER;
    `);
  },
};

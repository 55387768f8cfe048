// Wires the application core for one process: the store (single writer), the training
// supervisor and the services over them. The CLI, browser mode and Electron each create
// one, passing how workers are started (fork under Node, utilityProcess in Electron).
import path from 'node:path';
import { createStore, defaultDatabasePath, type Store } from '../store';
import { Supervisor } from '../training/supervisor';
import { forkLauncher, type WorkerLauncher } from '../training/launcher';
import { StoreRecorder } from './store-recorder';
import { tidyCheckpointFolder } from '../engine/checkpoints';
import { ExperimentService } from './experiments';
import { appVersion, workerFile } from '../paths';
import { StudyService } from './studies/study-service';

export interface AppContext {
  store: Store;
  supervisor: Supervisor;
  experiments: ExperimentService;
  studies: StudyService;
  dataFolder: string;
  databaseFile: string;
  close(): Promise<void>;
}

export interface AppContextOptions {
  /** Database file; default <data folder>/transfer-lab.sqlite (TRANSFER_LAB_HOME overrides the folder). */
  databaseFile?: string;
  launcher?: WorkerLauncher;
  cancelGraceMs?: number;
  /** Cores a study's scheduler may fill (default: the machine's). */
  cores?: number;
}

export function createAppContext(options: AppContextOptions = {}): AppContext {
  const databaseFile = path.resolve(options.databaseFile ?? defaultDatabasePath());
  let interrupted: string[] = [];
  const store = createStore(databaseFile, { onInterrupted: (ids) => (interrupted = ids) });
  // Runs that a crash interrupted may have been writing a checkpoint: leave their folders tidy.
  for (const id of interrupted) {
    const runDir = store.runs.get(id)?.runDir;
    if (runDir) tidyCheckpointFolder(runDir);
  }
  const dataFolder = store.dataFolder ?? path.dirname(databaseFile);
  const supervisor = new Supervisor({
    launcher: options.launcher ?? forkLauncher(workerFile()),
    recorder: new StoreRecorder(store),
    cancelGraceMs: options.cancelGraceMs,
  });
  const experiments = new ExperimentService({ store, supervisor, dataFolder, appVersion: appVersion() });
  const studies = new StudyService({ store, experiments, dataFolder, cores: options.cores });
  return {
    store,
    supervisor,
    experiments,
    studies,
    dataFolder,
    databaseFile,
    async close() {
      // Both start at once: studies stop scheduling (and cancel their experiments) and the
      // supervisor cancels every training process in the same tick, so a quit that cannot
      // wait (a Windows session end) has already asked every worker to stop.
      const studiesStopped = studies.shutdown();
      const supervisorStopped = supervisor.shutdown();
      await Promise.all([studiesStopped, supervisorStopped]);
      store.close();
    },
  };
}

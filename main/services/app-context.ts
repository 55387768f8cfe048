// Wires the application core for one process: the store (single writer), the training
// supervisor, the run journal that records what it relays, the one event stream every face
// subscribes to, and the services over them. The CLI, browser mode and Electron each create
// one, passing how workers are started (fork under Node, utilityProcess in Electron).
import path from 'node:path';
import { createStore, defaultDatabasePath, type Store } from '../store';
import { Supervisor } from '../training/supervisor';
import { forkLauncher, type WorkerLauncher } from '../training/launcher';
import { RunJournal } from './run-journal';
import { AppEvents } from './app-events';
import { tidyCheckpointFolder } from '../engine/training/checkpoints';
import { ExperimentService } from './experiments';
import { appVersion, helperFile, workerFile } from '../paths';
import { StudyService } from './studies/study-service';
import { HelperClient, type HelperLauncher } from './helper-client';

/** Where the core keeps its database by default, for faces that must name it before opening it. */
export { DATABASE_FILE_NAME, defaultDatabasePath } from '../store/location';

export interface AppContext {
  store: Store;
  supervisor: Supervisor;
  /** Every contract event, for every face to subscribe to. */
  events: AppEvents;
  /** The long-lived helper process for heavy requests (summaries, predictions, previews). */
  helper: HelperClient;
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
  /** How the helper process starts (utilityProcess in Electron); default child_process.fork. */
  helperLauncher?: HelperLauncher;
  cancelGraceMs?: number;
  /** How often step progress reaches the faces, per run (default 100 ms). */
  stepIntervalMs?: number;
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
    cancelGraceMs: options.cancelGraceMs,
  });
  const journal = new RunJournal(store);
  const events = new AppEvents(options.stepIntervalMs);
  events.follow(supervisor, (event) => journal.record(event));
  const helper = new HelperClient(options.helperLauncher ?? forkLauncher(helperFile()));
  const experiments = new ExperimentService({ store, supervisor, dataFolder, appVersion: appVersion() });
  const studies = new StudyService({ store, experiments, helper, events, dataFolder, cores: options.cores });
  events.relay(studies);
  return {
    store,
    supervisor,
    events,
    helper,
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
      helper.close();
      events.close();
      store.close();
    },
  };
}

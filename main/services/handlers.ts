// Binds every contract method to the application core. Each handler receives arguments
// already validated by dispatch() and returns what the contract's result schema describes;
// the `satisfies` below makes the compiler hold each handler to its method's types.
import type { MethodName, MethodArgs, MethodResult } from '@contract';
import type { AppContext } from './app-context';
import { SpecError } from '@contract/spec';
import { RunsService } from './runs-service';
import { ModelsService } from './models-service';
import { DatasetsService } from './datasets-service';
import { appInfo } from './app-info';
import { EstimateService } from './estimates';
import type { DownloadProgressNote } from './helper-client';
import type { StartedExperiment } from './experiments';

export type Handlers = {
  [M in MethodName]: (args: MethodArgs<M>) => Promise<MethodResult<M>> | MethodResult<M>;
};

/** Native dialogs, where the face has them (the desktop app); browser mode has none. */
export interface NativeDialogs {
  openFolder(purpose: 'dataset' | 'export'): Promise<string | null>;
  openFile(kind: 'csv' | 'idx' | 'spec' | 'model'): Promise<string | null>;
  /** Opens the data folder in the file manager; resolves to '' or the reason it could not. */
  showDataFolder(): Promise<string>;
}

export function createHandlers(app: AppContext, mode: 'electron' | 'browser' | 'cli', dialogs?: NativeDialogs): Handlers {
  const runs = new RunsService(app.store);
  const models = new ModelsService(app.store, app.helper);
  const onDownloadProgress = (p: DownloadProgressNote) => app.events.publish({ name: 'download-progress', payload: p });
  const datasets = new DatasetsService(app.dataFolder, app.helper, onDownloadProgress);
  const estimates = new EstimateService(app.experiments, app.helper, app.dataFolder, onDownloadProgress);
  return {
    'app.info': () => appInfo(app, mode),
    'datasets.preview': (a) => datasets.preview(a.dataset, a.seed ?? 42, a.perClass),
    'datasets.samples': (a) => datasets.samples(a.dataset, a.seed, a.ids),
    'experiments.validate': (a) => {
      try {
        return { ok: true as const, spec: app.experiments.validate(a.spec) };
      } catch (err) {
        if (err instanceof SpecError) return { ok: false as const, issues: err.issues };
        throw err;
      }
    },
    'experiments.estimate': async (a) => estimates.estimate(a.spec),
    'experiments.start': (a) => started(app.experiments.start(a.spec)),
    'experiments.cancel': (a) => ({ cancelled: app.experiments.cancel(a.experimentId) }),
    'experiments.get': (a) => app.experiments.report(a.experimentId),
    'experiments.delete': (a) => ({ deleted: runs.deleteExperiment(a.experimentId, app.supervisor.running()) }),
    'experiments.running': () => ({ experimentIds: app.supervisor.running() }),
    'runs.list': (a) => runs.list(a),
    'runs.facets': () => runs.facets(),
    'runs.trainMore': async (a) => started(await app.experiments.trainMore(a.runId, a.epochs)),
    'runs.resume': async (a) => started(await app.experiments.resume(a.runId)),
    'runs.get': (a) => runs.detail(a.runId),
    'runs.delete': (a) => ({ deleted: runs.deleteRun(a.runId) }),
    'runs.tag': (a) => ({ tags: runs.tag(a.runId, a.tag, a.remove) }),
    'runs.note': (a) => {
      runs.setNotes(a.runId, a.notes);
      return { ok: true as const };
    },
    'runs.rename': (a) => {
      runs.rename(a.runId, a.name);
      return { ok: true as const };
    },
    'runs.compare': (a) => runs.compare(a.runIds),
    'runs.exportCsv': (a) => runs.exportCsv(a),
    'runs.exportBundle': (a) => runs.exportBundle(a.runId),
    'runs.importBundle': (a) => ({ runId: runs.importBundle(a.bundle).id }),
    'models.summary': (a) => ('runId' in a ? models.summaryOfRun(a.runId) : models.summaryOfArchitecture(a.architecture, a.inputShape, a.numClasses)),
    'models.predict': (a) => models.predict(a.runId, a.images, a.top ?? 3),
    'models.export': (a) => models.exportModel(a.runId, a.folder),
    'studies.start': (a) => app.studies.start(a.spec, a.concurrency),
    'studies.resume': (a) => app.studies.resume(a.studyId, a.concurrency),
    'studies.get': (a) => app.studies.report(a.studyId),
    'studies.list': () => ({ studies: app.studies.list() }),
    'studies.cancel': (a) => ({ cancelled: app.studies.cancel(a.studyId) }),
    'studies.delete': (a) => ({ deleted: app.studies.delete(a.studyId) }),
    'dialogs.openFolder': async (a) => (dialogs ? { path: await dialogs.openFolder(a.purpose), supported: true } : { path: null, supported: false }),
    'dialogs.openFile': async (a) => (dialogs ? { path: await dialogs.openFile(a.kind), supported: true } : { path: null, supported: false }),
    'dialogs.showDataFolder': async () => {
      if (!dialogs) return { opened: false, supported: false, problem: null };
      const problem = await dialogs.showDataFolder();
      return { opened: problem === '', supported: true, problem: problem === '' ? null : problem };
    },
  } satisfies Handlers;
}

/** What a renderer learns when training starts; it follows the rest through events. */
function started(experiment: StartedExperiment) {
  experiment.done.catch(() => undefined);
  return { experimentId: experiment.experimentId, runs: experiment.runs };
}

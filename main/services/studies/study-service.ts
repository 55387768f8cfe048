// Studies as use cases: start one from a study spec, resume an interrupted one, cancel, report,
// list, delete. Transport-free, like ExperimentService: every face reaches it through dispatch().
import os from 'node:os';
import type { Store } from '../../store';
import { StudiesRepository, type StudyStatus } from '../../store/studies';
import { parseStudySpec, type StudySpec, type StudyReport, type StudySummary } from '@contract/study';
import type { ContractEvent, EventPayload } from '@contract';
import type { ExperimentService } from '../experiments';
import { ExperimentError } from '../experiments';
import { DatasetsService } from '../datasets-service';
import { ModelsService } from '../models-service';
import type { HelperClient } from '../helper-client';
import { planStudy, type LayerInfo } from './study-plan';
import { planSchedule, StudyRunner } from './study-scheduler';
import { buildStudyReport, studySummary } from './study-report';

export type StudyEvent =
  | { name: 'study-progress'; payload: EventPayload<'study-progress'> }
  | { name: 'study-finished'; payload: EventPayload<'study-finished'> };

export interface StudyStart {
  studyId: string;
  total: number;
  /** Experiments left to run (all of them for a new study). */
  remaining: number;
  concurrency: number;
  trainingThreads: number;
}

export interface StudyServiceOptions {
  store: Store;
  experiments: ExperimentService;
  /** The helper process that summarises models and previews datasets. */
  helper: HelperClient;
  /** Where a dataset download's progress goes (the app's event stream). */
  events: { publish(event: ContractEvent): void };
  dataFolder: string;
  /** Cores the scheduler may fill (default: the machine's). */
  cores?: number;
}

export class StudyService {
  readonly repository: StudiesRepository;
  private readonly runners = new Map<string, StudyRunner>();
  private readonly listeners = new Set<(event: StudyEvent) => void>();

  constructor(private readonly options: StudyServiceOptions) {
    this.repository = new StudiesRepository(options.store.db);
  }

  subscribe(listener: (event: StudyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(input: unknown, requestedConcurrency?: number): Promise<StudyStart> {
    const spec = parseStudySpec(input);
    if ('run' in spec.experiment.source) {
      try {
        spec.experiment.source = { run: this.options.store.runs.resolveId(spec.experiment.source.run) };
      } catch (err) {
        throw new ExperimentError(`experiment.source.run: ${(err as Error).message}`);
      }
    }
    const plan = planStudy(spec, await this.layers(spec));
    if (plan.cells.length === 0) throw new ExperimentError('freeze: "each-depth" found no layer with weights to freeze');
    const study = this.repository.create({
      name: spec.name,
      spec: input,
      cells: plan.cells.map((c) => ({
        key: c.key, label: c.label, frozenDepth: c.frozenDepth, targetPerClass: c.targetPerClass, trainableParams: c.trainableParams,
        settings: { freeze: c.freeze, learningRate: c.learningRate, regularization: c.regularization },
      })),
      experiments: plan.jobs.map((j) => ({ key: j.key, kind: j.kind, seed: j.seed, cellKey: j.cellKey, sourceKey: j.sourceKey, baselineKey: j.baselineKey, spec: j.spec })),
    });
    return this.run(study.id, requestedConcurrency);
  }

  /** Runs the unfinished experiments of an interrupted, cancelled or failed study. */
  resume(idOrPrefix: string, requestedConcurrency?: number): StudyStart {
    const id = this.repository.resolveId(idOrPrefix);
    const study = this.repository.require(id);
    if (this.runners.has(id) || study.status === 'running') throw new ExperimentError(`study ${id} is still running`);
    if (study.status === 'completed') throw new ExperimentError(`study ${id} is completed; nothing is left to run`);
    return this.run(id, requestedConcurrency);
  }

  cancel(idOrPrefix: string): boolean {
    const runner = this.runners.get(this.repository.resolveId(idOrPrefix));
    runner?.cancel();
    return runner !== undefined;
  }

  /** Settles when the study's scheduler in this process stops; undefined when none runs here. */
  finished(studyId: string): Promise<StudyStatus> | undefined {
    return this.runners.get(studyId)?.done;
  }

  report(idOrPrefix: string): StudyReport {
    return buildStudyReport(this.options.store, this.repository, this.repository.resolveId(idOrPrefix));
  }

  list(): StudySummary[] {
    return this.repository.list().map((s) => studySummary(this.repository, s));
  }

  /** Deletes the study and the experiments it ran; refused while it runs. */
  delete(idOrPrefix: string): boolean {
    const id = this.repository.resolveId(idOrPrefix);
    const study = this.repository.require(id);
    if (this.runners.has(id) || study.status === 'running') throw new ExperimentError(`study ${id} is running; cancel it first`);
    const experimentIds = new Set(this.repository.experiments(id).map((e) => e.experimentId).filter((e): e is string => e !== null));
    for (const experimentId of experimentIds) this.options.store.deleteExperiment(experimentId);
    return this.repository.delete(id);
  }

  /** Cancels every study running here and waits for them (app quit). */
  async shutdown(): Promise<void> {
    const all = [...this.runners.values()];
    for (const runner of all) runner.cancel();
    await Promise.allSettled(all.map((r) => r.done));
  }

  private run(studyId: string, requestedConcurrency?: number): StudyStart {
    const pending = this.repository.experiments(studyId).filter((e) => e.status !== 'completed').length;
    const schedule = planSchedule(this.options.cores ?? os.availableParallelism(), pending, requestedConcurrency);
    this.repository.claim(studyId, schedule.concurrency, schedule.trainingThreads);
    const runner = new StudyRunner(studyId, schedule, { experiments: this.options.experiments, studies: this.repository }, (p) =>
      this.emit({ name: 'study-progress', payload: p }));
    this.runners.set(studyId, runner);
    void runner.done.then(
      (status) => {
        this.runners.delete(studyId);
        this.emit({ name: 'study-finished', payload: { studyId, status } });
      },
      (err: unknown) => {
        this.runners.delete(studyId);
        this.repository.finish(studyId, 'failed', (err as Error).message);
        this.emit({ name: 'study-finished', payload: { studyId, status: 'failed' } });
      },
    );
    return { studyId, total: this.repository.experiments(studyId).length, remaining: pending, ...schedule };
  }

  /** The model's layers (for "each-depth" and trainable parameters); null when unknown. */
  private async layers(spec: StudySpec): Promise<LayerInfo[] | null> {
    const models = new ModelsService(this.options.store, this.options.helper);
    const source = spec.experiment.source;
    if ('run' in source) return (await models.summaryOfRun(source.run)).layers;
    if (!('architecture' in source.model)) return null;
    const datasets = new DatasetsService(this.options.dataFolder, this.options.helper, (p) => this.options.events.publish({ name: 'download-progress', payload: p }));
    const seed = spec.seeds[0];
    const [sourceData, targetData] = await Promise.all([
      datasets.preview(source.dataset, seed, 1),
      datasets.preview(spec.experiment.target.dataset, seed, 1),
    ]);
    return (await models.summaryOfArchitecture(source.model.architecture, sourceData.inputShape, targetData.classNames.length)).layers;
  }

  private emit(event: StudyEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop the study.
      }
    }
  }
}

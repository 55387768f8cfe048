// experiments.estimate: what a spec's phases will cost on this machine, before Start. The
// spec is checked here (a bad field is 'invalid-spec' naming it, a reused source run must
// exist and have its model), and the measuring happens in the helper process, so the
// process serving the window is never blocked by building and timing models.
import type { ExperimentEstimate } from '@contract/estimate';
import type { ExperimentService } from './experiments';
import type { DownloadProgressNote, HelperClient } from './helper-client';

export class EstimateService {
  constructor(
    private readonly experiments: ExperimentService,
    private readonly helper: HelperClient,
    private readonly dataFolder: string,
    private readonly onDownloadProgress?: (progress: DownloadProgressNote) => void,
  ) {}

  estimate(input: unknown): Promise<ExperimentEstimate> {
    const spec = this.experiments.validate(input);
    const sourceModelDir = this.experiments.reusedSourceModelDir(spec);
    return this.helper.request('estimate', { spec, sourceModelDir, dataFolder: this.dataFolder }, this.onDownloadProgress);
  }
}

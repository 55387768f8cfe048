// Dataset previews ('datasets.preview'), kept for the session by dataset spec: the data
// steps show them, and the model and transfer steps need their input shape and classes.
import { call } from '../lib/api';
import type { DatasetSpec } from '@contract/spec';
import type { DatasetPreviewInfo } from './report-types';

export type PreviewState =
  | { status: 'loading' }
  | { status: 'ready'; preview: DatasetPreviewInfo }
  | { status: 'failed'; error: unknown };

class DatasetPreviews {
  private states = $state<Record<string, PreviewState>>({});

  key(spec: DatasetSpec): string {
    return JSON.stringify(spec);
  }

  get(spec: DatasetSpec | null): PreviewState | undefined {
    return spec ? this.states[this.key(spec)] : undefined;
  }

  /** Loads the preview unless it is loaded or loading; a failed one is retried. */
  load(spec: DatasetSpec, seed: number): void {
    const key = this.key(spec);
    const current = this.states[key];
    if (current && current.status !== 'failed') return;
    this.states[key] = { status: 'loading' };
    call('datasets.preview', { dataset: spec, perClass: 4, seed }).then(
      (preview) => (this.states[key] = { status: 'ready', preview }),
      (error: unknown) => (this.states[key] = { status: 'failed', error }),
    );
  }
}

export const datasetPreviews = new DatasetPreviews();

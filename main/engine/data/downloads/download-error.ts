// The one error the downloads module throws. Its message always says what to do next: run
// again to resume, or how to put the files in place by hand when the host cannot be reached.

export type DownloadErrorCode =
  /** The host could not be reached (offline, DNS, refused, timed out). */
  | 'unreachable'
  /** The server answered with an error status. */
  | 'http'
  /** The connection broke mid-file; the partial file is kept for resumption. */
  | 'interrupted'
  /** The file arrived whole but its SHA-256 or size is not the published one. */
  | 'checksum'
  /** The archive or manifest that arrived cannot be used. */
  | 'bad-content'
  | 'cancelled';

export class DownloadError extends Error {
  readonly errorCode = 'download';
  constructor(
    message: string,
    readonly code: DownloadErrorCode,
    readonly url?: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

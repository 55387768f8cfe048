// Reads a JSON request body with a size cap, for POST /api/<method>.
import type { IncomingMessage } from 'node:http';

/** Large enough for models.predict with a few camera photos as data URLs. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

export function isJsonContentType(header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const [type, ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  const charset = params.find((p) => p.startsWith('charset='));
  return charset === undefined || charset === 'charset=utf-8';
}

export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new BodyError(415, 'expected a JSON body (content-type: application/json)');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new BodyError(400, 'expected a JSON body; the request body is empty');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(400, `the request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
}

function tooLarge(limit: number): BodyError {
  return new BodyError(413, `the request body is larger than ${limit / (1024 * 1024)} MB`);
}

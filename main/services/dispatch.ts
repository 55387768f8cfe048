// The one wrapper every call from a renderer goes through, whatever the transport:
// the method must be a contract method, its argument must parse with the contract's
// schema, and the answer is { result } or { error: { code, message } } — never a throw
// across the process boundary. Transports check who is calling before they get here.
import { methods, isMethodName, errorCodeOf, type ApiError, type ApiResponse, type MethodName } from '@contract';
import type { Handlers } from './handlers';

/** Maps an error thrown by the core to what the renderer is told: by the code it carries. */
export function toApiError(err: unknown): ApiError {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = errorCodeOf(e);
  if (code === 'internal') return { code, message: e.message || 'internal error' };
  const issues = (e as { issues?: ApiError['issues'] }).issues;
  return code === 'invalid-spec' ? { code, message: e.message, issues } : { code, message: e.message };
}

export async function dispatch(handlers: Handlers, method: unknown, args: unknown): Promise<ApiResponse<unknown>> {
  if (!isMethodName(method)) {
    return { error: { code: 'bad-request', message: `unknown method ${JSON.stringify(String(method)).slice(0, 100)}` } };
  }
  const parsed = methods[method].args.safeParse(args);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(argument)', message: i.message }));
    return { error: { code: 'bad-request', message: `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues } };
  }
  try {
    const handler = handlers[method] as (args: unknown) => unknown;
    return { result: await handler(parsed.data) };
  } catch (err) {
    return { error: toApiError(err) };
  }
}

export type { MethodName };

// The CLI's road to the application core, the same as every face's: contract calls through
// dispatch() and the app's one event stream. A refused call throws a CallError carrying the
// contract's error code, which the CLI's exit-code table reads.
import { createAppContext, type AppContext } from '../services/app-context';
import { createHandlers } from '../services/handlers';
import { dispatch } from '../services/dispatch';
import type { ContractEvent, MethodArgs, MethodName, MethodResult } from '@contract';
import { CallError } from './user-error';

export interface CoreClient {
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>;
  /** Subscribes to every contract event; returns the unsubscribe function. */
  on(listener: (event: ContractEvent) => void): () => void;
  /** The running core, for the `web` command, which serves it to a browser. */
  readonly app: AppContext;
  close(): Promise<void>;
}

export function openCore(options: { db?: string }): CoreClient {
  const app = createAppContext({ databaseFile: options.db });
  const handlers = createHandlers(app, 'cli');
  return {
    app,
    async call(method, args) {
      const answer = await dispatch(handlers, method, args);
      if ('error' in answer) throw new CallError(answer.error.code, answer.error.message);
      return answer.result as MethodResult<typeof method>;
    },
    on: (listener) => app.events.subscribe(listener),
    close: () => app.close(),
  };
}

/**
 * The import worker: one import per worker (the page terminates it to
 * cancel, or once the whole-trace check is done). Messages are checked on
 * arrival (import-protocol.ts).
 */
import * as v from 'valibot';
import { runImportJob } from './import-job';
import { ToImportWorkerSchema, type FromImportWorker } from './import-protocol';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: FromImportWorker, transfer?: Transferable[]): void;
};

let started = false;

scope.onmessage = (e: MessageEvent) => {
  const parsed = v.safeParse(ToImportWorkerSchema, e.data);
  if (!parsed.success) {
    scope.postMessage({
      type: 'failed',
      message: `The import worker got a malformed request: ${v.summarize(parsed.issues)}`,
      problems: [],
    });
    return;
  }
  if (started) {
    scope.postMessage({ type: 'failed', message: 'The import worker runs one import only.', problems: [] });
    return;
  }
  started = true;
  const request = parsed.output;
  void runImportJob(request.source, request.format, (message, transfer) => scope.postMessage(message, transfer ?? []));
};

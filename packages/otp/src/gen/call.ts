// gen_server's call and cast API (gen:call, gen_server:cast), their messages, and the
// timeout check; the request/reply protocol itself is in request.ts.
import { BadArgError, ProcessContext } from '@troupe/runtime';
import { perform, type Caller, type Operation } from '../proc/operation.js';
import { callInGenerator, callInPromise } from './call-in-process.js';
import { castEnvelope } from './cast-envelope.js';
import type { From } from './from.js';
import { requestSteps } from './request.js';
import { checkServerRef, type ServerRef, type TypedServerRef } from './server-ref.js';

/** The default call timeout, as in OTP: 5000 ms. */
export const DEFAULT_CALL_TIMEOUT_MS = 5000;

/** `{'$gen_call', From, Request}` */
export interface CallMessage<Request = unknown> {
  readonly kind: '$gen_call';
  readonly from: From;
  readonly request: Request;
}

/** `{'$gen_cast', Request}` */
export interface CastMessage<Request = unknown> {
  readonly kind: '$gen_cast';
  readonly request: Request;
}

/** Type guard for call requests. */
export function isCallMessage(message: unknown): message is CallMessage {
  return typeof message === 'object' && message !== null && (message as CallMessage).kind === '$gen_call';
}

/** Type guard for cast requests. */
export function isCastMessage(message: unknown): message is CastMessage {
  return typeof message === 'object' && message !== null && (message as CastMessage).kind === '$gen_cast';
}

/**
 * Sends `request` to `server` and waits for its reply (Erlang's `gen_server:call/3`).
 * Throws {@link CallTimeoutError} after `timeoutMs` (default 5000; `Infinity` waits
 * forever) and {@link CallExitError} if the server ends first (`reason` `'noproc'` when
 * it does not exist), or at once for a call to the calling process itself.
 *
 * From a process: `yield* call(self, …)` or `await call(self, …)`. From plain Node code:
 * `await call(runtime, …)`. With a {@link TypedServerRef}, a wrong request does not compile.
 */
export function call<C extends Caller, Request = unknown, Reply = unknown>(
  caller: C,
  server: TypedServerRef<Request, unknown, Reply>,
  request: NoInfer<Request>,
  timeoutMs: number = DEFAULT_CALL_TIMEOUT_MS,
): Operation<C, Reply> {
  return callAs('call', caller, server, request, timeoutMs);
}

/** {@link call} behind a behaviour's own API function: `fn` names that function in TypeErrors. */
export function callAs<C extends Caller, Reply>(fn: string, caller: C, server: ServerRef, request: unknown, timeoutMs: number): Operation<C, Reply> {
  checkServerRef(fn, server);
  checkTimeout(fn, timeoutMs);
  // A process runs the protocol's pieces itself, without the generic Steps driver: calls are the hot path.
  if (caller instanceof ProcessContext) {
    const operation = caller.mode === 'generator' ? callInGenerator(caller, server, request, timeoutMs) : callInPromise(caller, server, request, timeoutMs);
    return operation as Operation<C, Reply>;
  }
  return perform(caller, (self) => requestSteps(self, server, (from) => ({ kind: '$gen_call', from, request }), timeoutMs)) as Operation<C, Reply>;
}

/**
 * Sends `request` to `server` without waiting (Erlang's `gen_server:cast/2`). Never
 * fails: a dead server or an unregistered name drops the request.
 */
export function cast<Request = unknown>(caller: Caller, server: TypedServerRef<unknown, Request, unknown>, request: NoInfer<Request>): void {
  checkServerRef('cast', server);
  try {
    caller.send(server, castEnvelope(request));
  } catch (error) {
    if (!(error instanceof BadArgError)) throw error;
  }
}

/** Throws a TypeError unless `timeoutMs` is a non-negative number or Infinity. */
export function checkTimeout(fn: string, timeoutMs: unknown): asserts timeoutMs is number {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`${fn}: timeoutMs must be a non-negative number of milliseconds or Infinity, got ${String(timeoutMs)}`);
  }
}

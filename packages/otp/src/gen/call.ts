// The call protocol (gen:call): monitor-as-alias, request, wait for the tagged reply or
// DOWN; a timeout drops the alias so a late reply never reaches the caller. And cast.
import { BadArgError, isDownMessage, ProcessContext, TIMEOUT, type Receive, type Ref } from '@troupe/runtime';
import { CallExitError, CallTimeoutError } from '../errors.js';
import { afterServerTurn, guardAwait, perform, wait, type Caller, type Operation, type Steps } from '../proc/operation.js';
import { castEnvelope } from './cast-envelope.js';
import { isReplyFor, type From, type ReplyMessage } from './from.js';
import { checkServerRef, isSelf, type ServerRef, type TypedServerRef } from './server-ref.js';

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
  // A process runs the protocol itself, without the generic Steps driver: calls are the hot path.
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

/**
 * The request/reply protocol every behaviour shares (calls, system requests, gen_event
 * requests), as Steps for any caller: {@link openRequest}, send, wait for the answer,
 * {@link readAnswer}. Process callers of `call` run the same pieces directly.
 */
export function* requestSteps(
  self: ProcessContext,
  server: ServerRef,
  message: (from: From) => unknown,
  timeoutMs: number,
): Steps<unknown> {
  const tag = openRequest(self, server);
  sendRequest(self, server, message({ pid: self.pid, tag }));
  const answer = yield wait(tag, answerMatcher(tag), timeoutMs);
  return readAnswer(self, server, tag, answer, timeoutMs);
}

// The monitor ref doubles as the alias the reply is sent to and marks the mailbox, so the
// wait never scans messages that were queued before it.
function openRequest(self: ProcessContext, server: ServerRef): Ref {
  if (isSelf(self, server)) throw new CallExitError(server, 'calling_self');
  return self.monitor(server, { alias: true });
}

function sendRequest(self: ProcessContext, server: ServerRef, message: unknown): void {
  try {
    self.send(server, message);
  } catch (error) {
    // An unregistered local name: the monitor has already queued a DOWN with noproc.
    if (!(error instanceof BadArgError)) throw error;
  }
}

function answerMatcher(tag: Ref): (message: unknown) => boolean {
  return (message) => isReplyFor(message, tag) || isDownMessage(message, tag);
}

function readAnswer(self: ProcessContext, server: ServerRef, tag: Ref, answer: unknown, timeoutMs: number): unknown {
  if (answer === TIMEOUT) {
    // Ends the monitor and its alias: a reply sent from now on is dropped by the runtime.
    self.demonitor(tag, { flush: true });
    throw new CallTimeoutError(server, timeoutMs);
  }
  if (isDownMessage(answer)) throw new CallExitError(server, answer.reason);
  self.demonitor(tag, { flush: true });
  return (answer as ReplyMessage).reply;
}

// As requestSteps run by a generator body: the request goes out when the caller yield*s.
function* callInGenerator(self: ProcessContext, server: ServerRef, request: unknown, timeoutMs: number): Generator<unknown, unknown, unknown> {
  const tag = openRequest(self, server);
  sendRequest(self, server, { kind: '$gen_call', from: { pid: self.pid, tag }, request } satisfies CallMessage);
  const answer: unknown = yield* self.receive(answerMatcher(tag), { after: timeoutMs, since: tag });
  return readAnswer(self, server, tag, answer, timeoutMs);
}
guardAwait(callInGenerator);

// As requestSteps run by an async body or callback: the request goes out now, so messages
// keep the order the caller wrote them in even when it does not await at once.
function callInPromise(self: ProcessContext, server: ServerRef, request: unknown, timeoutMs: number): Promise<unknown> {
  let tag: Ref;
  try {
    tag = openRequest(self, server);
    sendRequest(self, server, { kind: '$gen_call', from: { pid: self.pid, tag }, request } satisfies CallMessage);
  } catch (error) {
    return Promise.reject(error);
  }
  return afterServerTurn().then(() => {
    const answer = self.receive(answerMatcher(tag), { after: timeoutMs, since: tag }) as Receive<unknown> as PromiseLike<unknown>;
    return Promise.resolve(answer).then((value) => readAnswer(self, server, tag, value, timeoutMs));
  });
}

/** Throws a TypeError unless `timeoutMs` is a non-negative number or Infinity. */
export function checkTimeout(fn: string, timeoutMs: unknown): asserts timeoutMs is number {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`${fn}: timeoutMs must be a non-negative number of milliseconds or Infinity, got ${String(timeoutMs)}`);
  }
}

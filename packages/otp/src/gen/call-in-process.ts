// A call made by a process: the request pieces run directly, without the Steps driver
// (calls are the hot path) — as the iterator a generator body's `yield*` drives, or as a promise.
import type { ProcessContext, Receive, Ref } from '@troupe/runtime';
import { afterServerTurn, guardAwait } from '../proc/operation.js';
import type { CallMessage } from './call.js';
import { answerMatcher, openRequest, readAnswer, sendRequest } from './request.js';
import type { ServerRef } from './server-ref.js';

/**
 * A call run by a generator body: the iterator its `yield*` drives, a hand-written one
 * rather than a generator, since every level of `yield*` costs on each resume. The
 * request goes out on the first `next()` (when the caller yield*s); the process's receive
 * runs inside it; the last step reads the answer (and throws for a timeout or DOWN).
 * It is its own final IteratorResult, as the runtime's receive is.
 */
class GeneratorCall implements Iterator<unknown, unknown, unknown> {
  done = false;
  value: unknown = undefined;
  readonly #self: ProcessContext;
  readonly #server: ServerRef;
  readonly #request: unknown;
  readonly #timeoutMs: number;
  #tag: Ref | undefined = undefined;
  #receive: Iterator<unknown, unknown, unknown> | undefined = undefined;

  constructor(self: ProcessContext, server: ServerRef, request: unknown, timeoutMs: number) {
    this.#self = self;
    this.#server = server;
    this.#request = request;
    this.#timeoutMs = timeoutMs;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(resumed?: unknown): IteratorResult<unknown, unknown> {
    let step: IteratorResult<unknown, unknown>;
    if (this.#receive === undefined) {
      const self = this.#self;
      const server = this.#server;
      const tag = (this.#tag = openRequest(self, server));
      sendRequest(self, server, { kind: '$gen_call', from: { pid: self.pid, tag }, request: this.#request } satisfies CallMessage);
      const receive = self.receive(answerMatcher(tag), { after: this.#timeoutMs, since: tag });
      step = (this.#receive = receive[Symbol.iterator]()).next();
    } else {
      step = this.#receive.next(resumed);
    }
    if (step.done !== true) return step;
    this.value = readAnswer(this.#self, this.#server, this.#tag!, step.value, this.#timeoutMs);
    this.done = true;
    return this as IteratorReturnResult<unknown>;
  }
}
guardAwait(GeneratorCall);

/** A call from a generator body: `yield*` what this returns. */
export function callInGenerator(self: ProcessContext, server: ServerRef, request: unknown, timeoutMs: number): Receive<unknown> {
  return new GeneratorCall(self, server, request, timeoutMs) as unknown as Receive<unknown>;
}

/**
 * A call from an async body or a callback: the request goes out now, so messages keep the
 * order the caller wrote them in even when it does not await at once.
 */
export function callInPromise(self: ProcessContext, server: ServerRef, request: unknown, timeoutMs: number): Promise<unknown> {
  let tag: Ref;
  try {
    tag = openRequest(self, server);
    sendRequest(self, server, { kind: '$gen_call', from: { pid: self.pid, tag }, request } satisfies CallMessage);
  } catch (error) {
    return Promise.reject(error);
  }
  return awaitAnswer(self, server, tag, timeoutMs);
}

// Awaits rather than chaining thens: a then callback that returns the receive's promise
// costs two more microtask turns per call than awaiting it.
async function awaitAnswer(self: ProcessContext, server: ServerRef, tag: Ref, timeoutMs: number): Promise<unknown> {
  await afterServerTurn();
  const answer: unknown = await (self.receive(answerMatcher(tag), { after: timeoutMs, since: tag }) as Receive<unknown> as PromiseLike<unknown>);
  return readAnswer(self, server, tag, answer, timeoutMs);
}

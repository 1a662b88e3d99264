// Protocols written once as generators of waits, run by a generator body (`yield*`), an
// async body or handler callback (`await`), or the runtime's gateway (plain Node code).
import { ProcessContext, Runtime, type Receive, type Ref } from '@troupe/runtime';
import { runOnGateway } from './gateway.js';

/** Who performs an OTP operation: a process (its `self`) or plain Node code (the runtime). */
export type Caller = ProcessContext | Runtime;

/**
 * What an operation returns to its caller: a Promise for a {@link Runtime}, and for a
 * process a {@link Receive} — `yield*` it in a generator body, `await` it in an async
 * body or a behaviour callback.
 */
export type Operation<C extends Caller, T> = C extends Runtime ? Promise<T> : Receive<T>;

/**
 * One wait of a protocol: the first queued message `match` accepts, or {@link TIMEOUT}
 * after `afterMs`. `tag` is the reference every awaited message carries (reply tag,
 * monitor ref): a process skips what was queued before it was made, and the gateway
 * routes by it. Without a tag a wait scans the whole mailbox; the gateway (which only
 * receives tagged mail) answers such a wait from what it holds, or TIMEOUT.
 */
export interface Wait {
  readonly tag: Ref | undefined;
  readonly match: (message: unknown) => boolean;
  readonly afterMs: number;
}

/** A protocol: yields waits, is resumed with the matched message (or TIMEOUT), returns its result. */
export type Steps<T> = Generator<Wait, T, unknown>;

/** Builds a {@link Wait}. */
export function wait(tag: Ref | undefined, match: (message: unknown) => boolean, afterMs = Infinity): Wait {
  return { tag, match, afterMs };
}

/**
 * Runs `protocol` for `caller`: in the calling process (generator or promise mode), or on
 * the runtime's gateway when the caller is plain Node code.
 */
export function perform<C extends Caller, T>(caller: C, protocol: (self: ProcessContext) => Steps<T>): Operation<C, T> {
  if (caller instanceof Runtime) return runOnGateway(caller, protocol) as Operation<C, T>;
  if (caller instanceof ProcessContext) return runInProcess(caller, protocol(caller)) as Operation<C, T>;
  throw new TypeError(`caller must be a ProcessContext (a process's self) or a Runtime, got ${String(caller)}`);
}

/** Runs `steps` inside the process `self` is the context of, in the mode it is driven in. */
export function runInProcess<T>(self: ProcessContext, steps: Steps<T>): Receive<T> {
  if (self.mode === 'generator') return inGenerator(self, steps) as unknown as Receive<T>;
  return inPromise(self, steps) as unknown as Receive<T>;
}

/**
 * Makes awaiting what `generatorFunction` returns throw a TypeError that says to use
 * `yield*`: awaiting a generator-mode operation would silently yield the generator itself.
 * The guard sits on the prototype its generator objects inherit from, so it costs nothing per call.
 */
export function guardAwait(generatorFunction: { readonly prototype: object }): void {
  Object.defineProperty(generatorFunction.prototype, 'then', { value: awaitedInGenerator });
}

function awaitedInGenerator(): never {
  throw new TypeError('in a generator body, use `yield*` on OTP operations (call, start, sys…), not await');
}

function* inGenerator<T>(self: ProcessContext, steps: Steps<T>): Generator<unknown, T, unknown> {
  let step = steps.next();
  while (step.done !== true) {
    const waited: unknown = yield* receiveFor(self, step.value);
    step = steps.next(waited);
  }
  return step.value;
}
guardAwait(inGenerator);

function inPromise<T>(self: ProcessContext, steps: Steps<T>): Promise<T> {
  // The first step (sending the request) runs now, so messages keep the order the caller
  // wrote them in even when it does not await at once.
  let step: IteratorResult<Wait, T>;
  try {
    step = steps.next();
  } catch (error) {
    return Promise.reject(error);
  }
  if (step.done === true) return Promise.resolve(step.value);
  return continueInPromise(self, steps, step.value);
}

/**
 * A promise that settles one microtask later: time for the scheduler's turn, queued by the
 * request just sent, to run an idle server first. Receiving after it usually finds the
 * answer queued already, so the caller is not parked and woken again (a call from an
 * async body costs markedly less). Not needed for correctness: a receive that starts
 * earlier simply waits.
 */
export function afterServerTurn(): Promise<void> {
  return RESOLVED;
}

const RESOLVED = Promise.resolve();

async function continueInPromise<T>(self: ProcessContext, steps: Steps<T>, first: Wait): Promise<T> {
  await afterServerTurn();
  let next = first;
  for (;;) {
    const waited: unknown = await receiveFor(self, next);
    const step = steps.next(waited);
    if (step.done === true) return step.value;
    next = step.value;
  }
}

function receiveFor(self: ProcessContext, { tag, match, afterMs }: Wait): Receive<unknown> {
  return tag === undefined ? self.receive(match, { after: afterMs }) : self.receive(match, { after: afterMs, since: tag });
}

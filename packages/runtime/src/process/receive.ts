// Selective receive: matchers, the receive operation a generator body delegates to with
// `yield*`, and the sentinels a body hands to its driver.
import type { Ref } from '../terms/ref.js';
import type { TimerEntry } from '../scheduler/timers.js';

/**
 * A message test. A type guard narrows the received type; a plain predicate receives
 * `unknown`. Matchers must be pure: they may run more than once per message, and the
 * `send` that queues a message for a waiting async body may run them on it.
 */
export type Matcher<T = unknown> = ((message: unknown) => message is T) | ((message: unknown) => boolean);

/** The message type a matcher accepts. */
export type Matched<M> = M extends (message: unknown) => message is infer T ? T : unknown;

/** What `receive` returns when its `after` timeout expires first (Erlang's `after`). */
export const TIMEOUT: unique symbol = Symbol.for('troupe.receive.timeout');
export type Timeout = typeof TIMEOUT;

export interface ReceiveOptions {
  /**
   * Milliseconds to wait for a match; `0` only looks at what is queued, `Infinity` (the
   * default) waits forever. On expiry the receive yields {@link TIMEOUT}.
   */
  readonly after?: number;
  /**
   * A reference made by this process with `makeRef()`. Messages queued before it was
   * made are skipped (they cannot contain it) — the BEAM's optimisation that keeps a
   * call O(1) however deep the caller's mailbox is.
   */
  readonly since?: Ref;
}

/**
 * The result of `self.receive(...)`: delegate to it with `yield*` in a generator body,
 * or `await` it in an async body.
 */
export interface Receive<T> extends PromiseLike<T> {
  [Symbol.iterator](): Iterator<unknown, T, unknown>;
}

// Sentinels a generator body yields (through yield*) to its driver.
export const WAIT = Symbol('troupe.wait'); // blocked in receive (or rescheduled by the budget)
export const SUSPEND = Symbol('troupe.suspend'); // waiting on a promise (await, dirty work)
export const RESCHEDULE = Symbol('troupe.reschedule'); // back of the run queue (yield)

/** No message satisfied the receive yet. */
export const NO_MESSAGE = Symbol('troupe.no-message');

/** How the process waiting in a receive is resumed. */
export const RESUME_GENERATOR = 0;
export const RESUME_PROMISE = 1;
export const RESUME_HANDLER = 2;

/** The process side of a receive: what a ReceiveOp needs from its process. */
export interface Receiver {
  beginReceive(op: ReceiveOp<unknown>): unknown;
  /** The scheduler's loop ended: start the `after` timer `op` put off (see ReceiveOp.deferTimeout). */
  startDeferredTimeout(op: ReceiveOp<unknown>): void;
}

/**
 * One receive. For generator bodies it is also the iterator `yield*` drives: the first
 * `next()` looks in the mailbox and either completes at once or yields WAIT; the driver
 * later resumes it with the matched message (or TIMEOUT).
 */
// What next() returns while the receive waits: shared, since yield* passes it through as is.
const WAIT_RESULT: IteratorResult<unknown, never> = { done: false, value: WAIT };

export class ReceiveOp<T> implements Receive<T>, Iterator<unknown, T, unknown> {
  timer: TimerEntry | undefined = undefined;
  // The op is its own final IteratorResult, so a receive allocates one object, not three.
  done = false;
  value: T | undefined = undefined;
  // Bits 0–1: how to resume (RESUME_*); bit 2: started; bit 3: timed out; bit 4: timer
  // start put off to the loop's end. One field instead of four keeps a waiting process small.
  #flags: number;

  constructor(
    readonly receiver: Receiver,
    readonly matchers: readonly Matcher[] | null,
    readonly afterMs: number,
    readonly since: Ref | undefined,
    resume: number,
  ) {
    this.#flags = resume;
  }

  /** How the waiting process is resumed (RESUME_GENERATOR, RESUME_PROMISE or RESUME_HANDLER). */
  get resume(): number {
    return this.#flags & 3;
  }

  get timedOut(): boolean {
    return (this.#flags & 8) !== 0;
  }

  markTimedOut(): void {
    this.#flags |= 8;
  }

  /** True while the start of this receive's timer waits for the scheduler's loop to end. */
  get timeoutDeferred(): boolean {
    return (this.#flags & 16) !== 0;
  }

  deferTimeout(): void {
    this.#flags |= 16;
  }

  /** The scheduler's loop ended (the op was handed to `Scheduler.atLoopEnd`). */
  atLoopEnd(): void {
    this.#flags &= ~16;
    this.receiver.startDeferredTimeout(this);
  }

  // Each `yield*` starts the receive afresh, so a process can reuse one op for every
  // plain receive.
  [Symbol.iterator](): Iterator<unknown, T, unknown> {
    this.#flags &= 3;
    this.done = false;
    this.value = undefined;
    return this;
  }

  next(resumed?: unknown): IteratorResult<unknown, T> {
    if ((this.#flags & 4) !== 0) return this.finish(resumed);
    this.#flags |= 4;
    const message = this.receiver.beginReceive(this);
    if (message === NO_MESSAGE) return WAIT_RESULT;
    return this.finish(message);
  }

  private finish(message: unknown): IteratorResult<unknown, T> {
    this.done = true;
    this.value = message as T;
    return this as IteratorReturnResult<T>;
  }

  then<R1 = T, R2 = never>(): PromiseLike<R1 | R2> {
    throw new TypeError('receive: in a generator body use `yield* self.receive(...)`, not await');
  }
}

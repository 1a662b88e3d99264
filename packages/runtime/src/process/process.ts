// Process: one process record and the drivers that run its body (generator, async or
// message handler) one slice at a time.
import { Mailbox } from './mailbox.js';
import type { CompactMap } from './compact-map.js';
import {
  NO_MESSAGE,
  RESCHEDULE,
  RESUME_GENERATOR,
  RESUME_HANDLER,
  RESUME_PROMISE,
  ReceiveOp,
  SUSPEND,
  TIMEOUT,
  WAIT,
  type Matcher,
  type Receiver,
} from './receive.js';
import type { Runnable } from '../scheduler/runnable.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { TimerService } from '../scheduler/timers.js';
import type { Pid } from '../terms/pid.js';
import type { Ref } from '../terms/ref.js';
import { errorReason, type ExitReason } from '../terms/exit-reason.js';
import { ConcurrentReceiveError, ExitException, ProcessExitedError } from '../errors.js';

export const RUNNABLE = 0;
export const RUNNING = 1;
export const WAITING = 2;
export const SUSPENDED = 3;
export const EXITED = 4;
const STATUS_NAMES = ['runnable', 'running', 'waiting', 'suspended', 'exited'] as const;
export type ProcessStatus = (typeof STATUS_NAMES)[number];

/**
 * A body driven message by message by the scheduler, without a coroutine of its own:
 * the fast path the OTP behaviours use. `handle` may return a promise; the process is
 * then suspended (its mailbox keeps filling) until it settles.
 */
export interface HandlerBody<C> {
  init?(self: C): void | PromiseLike<void>;
  handle(message: unknown, self: C): void | PromiseLike<void>;
}

/** What a process needs from the node that owns it. */
export interface ProcessHost {
  readonly scheduler: Scheduler;
  /** Makes the `self` the body receives (only at start: a body keeps it, not the process). */
  contextFor(process: Process): unknown;
  readonly timers: TimerService;
  /** The process's own code ended it (`ownDoing`), or a pending exit signal took effect. */
  processEnded(process: Process, reason: ExitReason, ownDoing: boolean): void;
}

/** Overflow policies of a bounded mailbox. */
export type OverflowPolicy = 'drop_newest' | 'drop_oldest' | 'exit';

/** A monitor held by a process; `alias` while its ref is also an alias of the holder. */
export interface MonitorEntry {
  readonly ref: Ref;
  readonly target: Pid | string;
  readonly node?: string;
  alias: boolean;
}

/**
 * The key of a monitor's ref in the monitor tables: its number for a local ref (hashing
 * a small integer is what keeps a gen_server call cheap), its string for a remote one.
 */
export function monitorKey(ref: Ref): number | string {
  return ref.nodeHandle.index === 0 ? ref.id : ref.key;
}

/** The rarely used parts of a process, allocated on first use to keep idle processes small. */
export class ProcessExtras {
  trapExit = false;
  name: string | undefined = undefined;
  /** Linked pids by key. */
  links: Map<string, Pid> | undefined = undefined;
  /** Monitors this process holds, by {@link monitorKey} of their ref. */
  monitors: CompactMap<number | string, MonitorEntry> | undefined = undefined;
  /** Ids of the aliases this process made with `alias()` (a monitor's alias lives in its entry). */
  aliases: Set<number> | undefined = undefined;
  /** Monitors on this process, by {@link monitorKey} of their ref → the watcher. */
  monitoredBy: CompactMap<number | string, { readonly ref: Ref; readonly watcher: Pid; readonly by: Pid | string }> | undefined =
    undefined;
  overflow: OverflowPolicy = 'drop_newest';
  /** Messages beyond this many are refused per `overflow`; 0 = unbounded. */
  mailboxLimit = 0;
  /** What a suspended process waits for (introspection). */
  suspendedOn: string | undefined = undefined;
  /** What a generator body resumes with after an await or a yield (a Thrown to throw). */
  resumeValue: unknown = undefined;
  /** The `self` of a handler body, passed to each callback. */
  handlerContext: unknown = undefined;
  /** Set while the process is parked on a busy distribution connection. */
  busyPort: { readonly node: string } | undefined = undefined;
  /** A handler body's idle wait, reused each time it runs out of messages. */
  handlerIdle: ReceiveOp<unknown> | undefined = undefined;
  /** An exit signal that arrived while this process's slice was on the stack. */
  pendingExit: ExitReason | undefined = undefined;
}

const HANDLER_IDLE_MATCHERS = null;
// What Process.testNewest returns when the newest message does not end the receive.
const NOT_MATCHED = -2;

// The receiver of the shared op: it never starts a receive itself (bodies call
// beginReceive on their process directly) and never times out.
const NO_RECEIVER: Receiver = {
  beginReceive(): never {
    throw new Error('internal: the shared receive op has no receiver');
  },
  startDeferredTimeout(): void {
    // The shared op waits forever: it never has a timeout to start.
  },
};
const ANY_MESSAGE_FOR_PROMISE = new ReceiveOp<unknown>(NO_RECEIVER, null, Infinity, undefined, RESUME_PROMISE);
// What ended() receives when the body returned instead of throwing.
const RETURNED = Symbol('troupe.returned');

// How the body is driven; #code holds the body before start, then the generator or handler.
const NOT_STARTED = 0;
const BY_GENERATOR = 1;
const BY_PROMISES = 2;
const BY_HANDLER = 3;
const DONE = 4;

// Indexed by the mode constants above.
const KIND_NAMES = ['not started', 'generator', 'async', 'handler', 'function'] as const;

/** A rejection to throw into a generator body when it resumes. */
class Thrown {
  constructor(readonly error: unknown) {}
}

// The process layer does not know the context type the node layer gives bodies.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyContext = any;
export type AnyBody = ((self: AnyContext) => unknown) | HandlerBody<AnyContext>;

// Fields are few on purpose: an idle process is this record, its mailbox, its pid, its
// context and its body's coroutine, and the BEAM-beating memory figure depends on it.
// Anything rarely used lives in ProcessExtras, allocated on first use.
export class Process implements Runnable, Receiver {
  readonly pid: Pid;
  readonly host: ProcessHost;
  // Allocated on the first message (or mark): a process that only sends, or one idle in
  // receive that has been sent nothing, costs no mailbox.
  #mailbox: Mailbox | undefined = undefined;
  // Bits 0–1: run-queue priority index; bits 2–4: how the body is driven (the mode
  // constants). One field for two rarely written values keeps every process 8 bytes smaller.
  #flags: number;
  queued = false;
  status = RUNNABLE;
  budget = 0;
  reductions = 0;
  extras: ProcessExtras | undefined = undefined;
  /** The receive this process waits in (any driver). */
  waiting: ReceiveOp<unknown> | undefined = undefined;
  #code: unknown;
  // By mode: an async body's pending receive resolver, or a generator body's reusable
  // plain receive (see plainReceiveOp).
  #aux: ((value: unknown) => void) | ReceiveOp<unknown> | undefined = undefined;

  constructor(pid: Pid, host: ProcessHost, body: AnyBody, priorityIndex: number) {
    this.pid = pid;
    this.host = host;
    this.#code = body;
    this.#flags = priorityIndex | (NOT_STARTED << 2);
  }

  /** Index of the run queue this process goes to (the scheduler's Runnable contract). */
  get priorityIndex(): number {
    return this.#flags & 3;
  }

  set priorityIndex(index: number) {
    this.#flags = (this.#flags & ~3) | index;
  }

  // Plain TS-private accessors: a `#` accessor or method would add a brand slot to every instance.
  private get mode(): number {
    return this.#flags >> 2;
  }

  private set mode(mode: number) {
    this.#flags = (this.#flags & 3) | (mode << 2);
  }

  get id(): number {
    return this.pid.id;
  }

  /** The mailbox, made on first use. */
  get mailbox(): Mailbox {
    return (this.#mailbox ??= new Mailbox());
  }

  /** Messages queued, without making a mailbox to count none. */
  get queuedCount(): number {
    return this.#mailbox === undefined ? 0 : this.#mailbox.length;
  }

  /** A copy of the queued messages, oldest first (introspection). */
  queuedMessages(): unknown[] {
    return this.#mailbox === undefined ? [] : this.#mailbox.snapshot();
  }

  get serial(): number {
    return this.pid.serial;
  }

  get alive(): boolean {
    return this.status !== EXITED;
  }

  get statusName(): ProcessStatus {
    return STATUS_NAMES[this.status]!;
  }

  get kind(): (typeof KIND_NAMES)[number] {
    return KIND_NAMES[this.mode]!;
  }

  /** True while a generator drives the body: receives then go through `yield*`. */
  get generatorDriven(): boolean {
    return this.mode === BY_GENERATOR;
  }

  extra(): ProcessExtras {
    return (this.extras ??= new ProcessExtras());
  }

  /** What the process is blocked on, for process info. */
  waitingFor(): string | undefined {
    if (this.extras?.busyPort !== undefined) return `busy_dist_port ${this.extras.busyPort.node}`;
    if (this.status === WAITING && this.waiting !== undefined) {
      const op = this.waiting;
      if (op.resume === RESUME_HANDLER) return 'message';
      const what = op.matchers === null ? 'any message' : `message matching ${op.matchers.length} pattern(s)`;
      return op.afterMs === Infinity ? `receive ${what}` : `receive ${what}, after ${op.afterMs} ms`;
    }
    if (this.status === SUSPENDED) return this.extras?.suspendedOn;
    return undefined;
  }

  // ── delivery ────────────────────────────────────────────────────────────────

  /** Queues `message` and wakes the process if it waits in a receive. */
  deliver(message: unknown): void {
    if (this.status === EXITED) return;
    const mailbox = this.mailbox;
    const extras = this.extras;
    if (extras !== undefined && extras.mailboxLimit !== 0 && mailbox.length >= extras.mailboxLimit && !this.overflow(extras)) return;
    mailbox.push(message);
    if (this.status !== WAITING || this.queued || (extras !== undefined && extras.busyPort !== undefined)) return;
    const op = this.waiting!;
    if (op.resume === RESUME_PROMISE && this.budget > 0 && this.settledBySend(op)) return;
    this.host.scheduler.enqueue(this);
  }

  // A full bounded mailbox: applies its policy; true when the new message may still go in.
  private overflow(extras: ProcessExtras): boolean {
    const policy = extras.overflow;
    if (policy === 'drop_newest') return false;
    if (policy === 'exit') {
      this.host.processEnded(this, { kind: 'mailbox_overflow', limit: extras.mailboxLimit }, false);
      return false;
    }
    this.#mailbox!.take(this.#mailbox!.head);
    return true;
  }

  /**
   * An async body whose receive the message just queued ends takes it now: resolving its
   * promise only queues its continuation (nothing of the receiver runs inside this send),
   * and it saves a trip through the run queue. True when nothing is left for the
   * scheduler to do: the receive was resolved, or the message leaves it waiting.
   */
  private settledBySend(op: ReceiveOp<unknown>): boolean {
    const mailbox = this.#mailbox!;
    const position = op.matchers === null ? (mailbox.length === 1 ? mailbox.head : -1) : this.testNewest(op);
    if (position === NOT_MATCHED) return true;
    if (position < 0) return false;
    if (op.timer !== undefined) this.cancelTimeout(op);
    this.waiting = undefined;
    this.reductions++;
    this.budget--;
    this.resolveAsync(mailbox.take(position));
    return true;
  }

  /**
   * For a receive with matchers that has tested every queued message but the one just
   * pushed: tests that one here (matchers are pure by contract). Returns its position on
   * a match, NOT_MATCHED on a miss (the process waits on, with nothing to wake it for),
   * or -1 to leave it to the receiver's own slice (other messages to test, or a matcher
   * that threw, which must end the receiver, not the sender).
   */
  private testNewest(op: ReceiveOp<unknown>): number {
    const mailbox = this.#mailbox!;
    const newest = mailbox.end - 1;
    if (mailbox.scan !== newest) return -1;
    let position: number;
    try {
      position = mailbox.find(newest, op.matchers);
    } catch {
      return -1;
    }
    if (position >= 0) return position;
    mailbox.scan = mailbox.end;
    return NOT_MATCHED;
  }

  // ── receive ─────────────────────────────────────────────────────────────────

  /** Starts a receive for a generator body (the op is what `yield*` drives). */
  receiveForGenerator<T>(matchers: readonly Matcher[] | null, afterMs: number, since: Ref | undefined): ReceiveOp<T> {
    if (matchers === null && afterMs === Infinity && since === undefined) {
      // The plain receive has no parameters to differ in, and a process is in at most one
      // receive at a time, so one op per process serves them all (yield* resets it).
      return (this.#aux ??= new ReceiveOp<unknown>(this, null, Infinity, undefined, RESUME_GENERATOR)) as ReceiveOp<T>;
    }
    this.releaseLastPlainMessage();
    return new ReceiveOp<T>(this, matchers, afterMs, since, RESUME_GENERATOR);
  }

  /**
   * The reusable plain receive still holds the message it last handed over (as its
   * IteratorResult value); the body has it now. Dropped before the body waits in anything
   * else, so it never stays reachable from here while the body waits (a plain receive
   * resets it itself).
   */
  private releaseLastPlainMessage(): void {
    const plain = this.#aux as ReceiveOp<unknown> | undefined;
    if (plain !== undefined) plain.value = undefined;
  }

  /** Starts a receive for an async body: resolved at once if a message matches. */
  receiveForPromise(matchers: readonly Matcher[] | null, afterMs: number, since: Ref | undefined): Promise<unknown> {
    // The plain receive needs no state of its own while it waits (no timer, no matchers):
    // every process shares one op for it, which keeps an idle async process smaller.
    const op =
      matchers === null && afterMs === Infinity && since === undefined
        ? ANY_MESSAGE_FOR_PROMISE
        : new ReceiveOp<unknown>(this, matchers, afterMs, since, RESUME_PROMISE);
    const message = this.beginReceive(op);
    if (message !== NO_MESSAGE) return Promise.resolve(message);
    return new Promise((resolve) => {
      this.#aux = resolve;
    });
  }

  /**
   * Looks for a match now. Returns the message (or TIMEOUT for `after: 0`), or
   * NO_MESSAGE after making this process wait — also when its budget is spent, in
   * which case it is queued at the back so others get their turn (a yield point).
   */
  beginReceive(op: ReceiveOp<unknown>): unknown {
    if (this.status === EXITED) throw new ProcessExitedError(`process ${this.pid} has exited`);
    if (this.waiting !== undefined && this.waiting.resume !== RESUME_HANDLER) {
      throw new ConcurrentReceiveError(`receive: process ${this.pid} already waits in another receive; await it first`);
    }
    this.reductions++;
    const mailbox = this.#mailbox;
    if (--this.budget > 0) {
      if (mailbox !== undefined) {
        const index = mailbox.find(mailbox.startFor(op.since), op.matchers);
        if (index >= 0) return mailbox.take(index);
        mailbox.scan = mailbox.end;
      }
      if (op.afterMs === 0) return TIMEOUT;
      this.wait(op);
      return NO_MESSAGE;
    }
    this.wait(op);
    if (mailbox !== undefined) mailbox.scan = mailbox.startFor(op.since);
    this.requeue();
    return NO_MESSAGE;
  }

  private wait(op: ReceiveOp<unknown>): void {
    this.waiting = op;
    this.status = WAITING;
    if (op.afterMs !== Infinity && op.afterMs > 0) this.armTimeout(op);
  }

  /**
   * Starts the `after` timer of the receive `op`. Inside the scheduler's loop the start
   * is put off until the loop hands the thread back: most such waits (a call's reply)
   * end within the loop, and then no timer is made at all. The wait still lasts at
   * least `after` ms; a timer could not fire before the loop ends anyway.
   */
  private armTimeout(op: ReceiveOp<unknown>): void {
    if (op.timer !== undefined || op.timeoutDeferred) return;
    const scheduler = this.host.scheduler;
    if (scheduler.running) {
      op.deferTimeout();
      scheduler.atLoopEnd(op);
    } else {
      op.timer = this.host.timers.start(op.afterMs, onReceiveTimeout, op);
    }
  }

  // Forgets the timer too: an op can wait again (a Receive delegated to twice), and a
  // stale entry would stop armTimeout from starting its new timer.
  private cancelTimeout(op: ReceiveOp<unknown>): void {
    this.host.timers.cancel(op.timer!);
    op.timer = undefined;
  }

  /** The loop ended: starts the timer `op` put off, if this process still waits in it. */
  startDeferredTimeout(op: ReceiveOp<unknown>): void {
    if (this.waiting === op && op.timer === undefined && !op.timedOut) {
      op.timer = this.host.timers.start(op.afterMs, onReceiveTimeout, op);
    }
  }

  /** The message (or TIMEOUT) that ends the current wait, or NO_MESSAGE. Matchers may throw. */
  private satisfy(op: ReceiveOp<unknown>): unknown {
    const mailbox = this.#mailbox;
    if (mailbox !== undefined) {
      const index = mailbox.find(Math.max(mailbox.scan, mailbox.head), op.matchers);
      if (index >= 0) {
        if (op.timer !== undefined) this.cancelTimeout(op);
        return mailbox.take(index);
      }
      mailbox.scan = mailbox.end;
    }
    if (op.timedOut || op.afterMs === 0) return TIMEOUT;
    if (op.afterMs !== Infinity) this.armTimeout(op);
    return NO_MESSAGE;
  }

  // ── running ─────────────────────────────────────────────────────────────────

  /** One slice: start the body, or resume it with what it waited for. */
  run(budget: number): number {
    const before = this.reductions;
    this.budget = budget;
    const status = this.status;
    if (status === WAITING) {
      const op = this.waiting!;
      let value: unknown;
      try {
        value = this.satisfy(op);
      } catch (error) {
        this.ended(error);
        return 1;
      }
      if (value === NO_MESSAGE) return 1;
      this.waiting = undefined;
      if (op.resume === RESUME_GENERATOR) this.driveGenerator(value, false);
      else if (op.resume === RESUME_PROMISE) this.resolveAsync(value);
      else this.driveHandler(value);
    } else if (status === RUNNABLE) {
      const mode = this.mode;
      if (mode === NOT_STARTED) this.start();
      else if (typeof this.#aux === 'function') this.resolveAsync(undefined);
      else if (mode === BY_GENERATOR) {
        const extras = this.extras;
        const resumed = extras?.resumeValue;
        if (extras !== undefined) extras.resumeValue = undefined;
        if (resumed instanceof Thrown) this.driveGenerator(resumed.error, true);
        else this.driveGenerator(resumed, false);
      } else if (mode === BY_HANDLER) this.nextHandlerMessage();
    }
    return this.reductions - before + 1;
  }

  private start(): void {
    const body = this.#code as AnyBody;
    this.#code = undefined;
    this.status = RUNNING;
    const self = this.host.contextFor(this);
    if (typeof body === 'object') {
      this.mode = BY_HANDLER;
      this.#code = body;
      this.extra().handlerContext = self;
      let result: void | PromiseLike<void>;
      try {
        result = body.init?.(self);
      } catch (error) {
        this.ended(error);
        return;
      }
      this.afterHandlerCall(result, undefined);
      return;
    }
    let result: unknown;
    try {
      result = body(self);
    } catch (error) {
      this.ended(error);
      return;
    }
    if (isIterator(result)) {
      this.mode = BY_GENERATOR;
      this.#code = result;
      this.driveGenerator(undefined, false);
    } else if (isThenable(result)) {
      this.mode = BY_PROMISES;
      // An async body: it runs in microtasks and reports its end through its promise.
      // Until it waits in a receive it counts as running.
      // Bound functions rather than two arrows and their shared context: ~55 bytes less
      // for every async process, which holds them for its whole life.
      result.then(Process.bodyReturned.bind(this), Process.bodyThrew.bind(this));
    } else {
      this.mode = DONE;
      this.ended(RETURNED);
    }
  }

  private static bodyReturned(this: Process): void {
    this.ended(RETURNED);
  }

  private static bodyThrew(this: Process, error: unknown): void {
    this.ended(error);
  }

  private driveGenerator(input: unknown, throws: boolean): void {
    const generator = this.#code as Iterator<unknown, unknown, unknown>;
    this.status = RUNNING;
    this.reductions++;
    let step: IteratorResult<unknown, unknown>;
    try {
      step = throws ? generator.throw!(input) : generator.next(input);
    } catch (error) {
      this.ended(error);
      return;
    }
    if (this.exitIfPending()) return;
    if (step.done === true) {
      this.ended(RETURNED);
      return;
    }
    const yielded = step.value;
    if (yielded === WAIT || yielded === SUSPEND) return;
    if (yielded === RESCHEDULE) {
      this.status = RUNNABLE;
      this.requeue();
      return;
    }
    this.ended(
      new TypeError(
        `a generator body may only yield* runtime operations (self.receive, self.await, ...); it yielded ${String(yielded)}`,
      ),
    );
  }

  private resolveAsync(value: unknown): void {
    const resolve = this.#aux as (value: unknown) => void;
    this.#aux = undefined;
    this.status = RUNNING;
    resolve(value);
  }

  private driveHandler(first: unknown): void {
    const handler = this.#code as HandlerBody<AnyContext>;
    const self = this.extras!.handlerContext;
    let message = first;
    for (;;) {
      this.status = RUNNING;
      this.reductions++;
      let result: void | PromiseLike<void>;
      try {
        result = handler.handle(message, self);
      } catch (error) {
        this.ended(error);
        return;
      }
      if (result !== undefined && isThenable(result)) {
        this.afterHandlerCall(result, 'handler callback');
        return;
      }
      if (this.exitIfPending() || this.status !== RUNNING) return;
      const mailbox = this.#mailbox;
      if (mailbox === undefined || mailbox.length === 0 || --this.budget <= 0) {
        this.waitForHandlerMessage(mailbox !== undefined && mailbox.length > 0);
        return;
      }
      message = mailbox.take(mailbox.head);
    }
  }

  private nextHandlerMessage(): void {
    const mailbox = this.#mailbox;
    if (mailbox === undefined || mailbox.length === 0) {
      this.waitForHandlerMessage(false);
      return;
    }
    this.driveHandler(mailbox.take(mailbox.head));
  }

  private waitForHandlerMessage(requeue: boolean): void {
    // Never started, never timed: the same op serves every idle spell of this process.
    const extras = this.extras!;
    const op = (extras.handlerIdle ??= new ReceiveOp<unknown>(this, HANDLER_IDLE_MATCHERS, Infinity, undefined, RESUME_HANDLER));
    this.waiting = op;
    this.status = WAITING;
    if (this.#mailbox !== undefined) this.#mailbox.scan = this.#mailbox.head;
    if (requeue) this.requeue();
  }

  /** Back to the run queue at a yield point, unless parked on a busy distribution port. */
  private requeue(): void {
    if (this.extras?.busyPort === undefined) this.host.scheduler.enqueue(this);
  }

  /**
   * Parks this process at its next yield point until `port` drains: it gives up its
   * slice (budget 0) and neither messages nor timeouts wake it meanwhile.
   */
  parkOn(port: { readonly node: string; whenDrained(resume: () => void): void }): void {
    const extras = this.extra();
    if (extras.busyPort !== undefined) return;
    extras.busyPort = port;
    this.budget = 0;
    port.whenDrained(() => {
      extras.busyPort = undefined;
      if (this.status === EXITED || this.queued) return;
      if (this.status === WAITING || this.status === RUNNABLE) this.host.scheduler.enqueue(this);
    });
  }

  private afterHandlerCall(result: void | PromiseLike<void>, label: string | undefined): void {
    if (result === undefined || !isThenable(result)) {
      if (this.exitIfPending() || this.status !== RUNNING) return;
      this.nextHandlerMessage();
      return;
    }
    // The callback may already wait in a receive it started before its first await;
    // that wait must stand, or the message it waits for would never wake it.
    if (this.status === RUNNING) {
      this.status = SUSPENDED;
      this.extra().suspendedOn = label ?? 'init callback';
    }
    result.then(
      () => {
        if (this.status === EXITED) return;
        this.extras!.suspendedOn = undefined;
        if (this.waiting?.resume === RESUME_PROMISE) {
          // A receive the callback started but never awaited: nobody can consume its result.
          if (this.waiting.timer !== undefined) this.cancelTimeout(this.waiting);
          this.waiting = undefined;
          this.#aux = undefined;
        }
        this.status = RUNNABLE;
        this.host.scheduler.enqueue(this);
      },
      (error: unknown) => this.ended(error),
    );
  }

  // ── suspension on promises (await, dirty work) ─────────────────────────────

  /** For generator bodies: yield* this to wait for `promise` without blocking others. */
  *awaitInGenerator<T>(promise: PromiseLike<T>, label: string): Generator<unknown, T, unknown> {
    this.releaseLastPlainMessage();
    this.status = SUSPENDED;
    this.extra().suspendedOn = label;
    promise.then(
      (value) => this.wakeFromPromise(value, false),
      (error: unknown) => this.wakeFromPromise(error, true),
    );
    return (yield SUSPEND) as T;
  }

  private wakeFromPromise(value: unknown, throws: boolean): void {
    if (this.status !== SUSPENDED) return;
    const extras = this.extras!;
    extras.suspendedOn = undefined;
    extras.resumeValue = throws ? new Thrown(value) : value;
    this.status = RUNNABLE;
    this.host.scheduler.enqueue(this);
  }

  /** For generator bodies: go to the back of the run queue (erlang:yield/0). */
  *yieldInGenerator(): Generator<unknown, void, unknown> {
    this.releaseLastPlainMessage();
    this.reductions++;
    yield RESCHEDULE;
  }

  /** For async bodies: resolves when the scheduler next runs this process. */
  yieldForPromise(): Promise<void> {
    this.reductions++;
    this.status = RUNNABLE;
    this.requeue();
    return new Promise((resolve) => {
      this.#aux = resolve as (value: unknown) => void;
    });
  }

  // ── ending ──────────────────────────────────────────────────────────────────

  private exitIfPending(): boolean {
    const pending = this.extras?.pendingExit;
    if (pending === undefined) return false;
    this.extras!.pendingExit = undefined;
    this.host.processEnded(this, pending, false);
    return true;
  }

  /** The body finished: RETURNED, or what it threw. */
  private ended(thrown: unknown): void {
    if (this.status === EXITED) return;
    // An exit signal that arrived during the slice wins over how the slice ended.
    const pending = this.extras?.pendingExit;
    if (pending !== undefined) {
      this.host.processEnded(this, pending, false);
    } else if (thrown === RETURNED) {
      this.host.processEnded(this, 'normal', true);
    } else if (thrown instanceof ExitException) {
      this.host.processEnded(this, thrown.reason, true);
    } else {
      this.host.processEnded(this, errorReason(thrown), true);
    }
  }

  /** Marks the process dead and drops everything it held (called by the host). */
  markExited(): void {
    this.status = EXITED;
    this.mode = DONE;
    const op = this.waiting;
    if (op?.timer !== undefined) this.cancelTimeout(op);
    this.waiting = undefined;
    this.#mailbox = undefined;
    this.#code = undefined;
    this.#aux = undefined;
    if (this.extras !== undefined) this.extras.handlerContext = undefined;
  }
}

function onReceiveTimeout(op: ReceiveOp<unknown>): void {
  op.timer = undefined;
  op.markTimedOut();
  const process = op.receiver as Process;
  if (process.waiting === op && !process.queued && process.extras?.busyPort === undefined) process.host.scheduler.enqueue(process);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
  );
}

function isIterator(value: unknown): value is Iterator<unknown, unknown, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { next?: unknown }).next === 'function' &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

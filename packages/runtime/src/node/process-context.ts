// ProcessContext: the `self` a process body receives — everything a process can do
// (Erlang's BIFs that act on the calling process).
import type { Process, HandlerBody, OverflowPolicy } from '../process/process.js';
import type { Matcher, Matched, Receive, ReceiveOptions, Timeout } from '../process/receive.js';
import type { Priority } from '../scheduler/runnable.js';
import type { DirtyTask } from '../scheduler/dirty-pool.js';
import { Pid } from '../terms/pid.js';
import type { Ref } from '../terms/ref.js';
import type { ExitReason } from '../terms/exit-reason.js';
import type { RemoteName } from '../signals/messages.js';
import type { MonitorTarget } from '../signals/signals.js';
import { ExitException, ProcessExitedError } from '../errors.js';
import type { RuntimeCore } from './runtime-core.js';
import type { Runtime } from './runtime.js';
import type { Logger } from './logger.js';
import type { Clock } from '../scheduler/clock.js';

/** Where a message can go: a pid, an alias (a Ref from `alias()`), a locally registered name, or `{name, node}`. */
export type Address = Pid | Ref | string | RemoteName;

/**
 * A process body. A generator function is the fast path (`yield* self.receive()`); an
 * async function is the convenient one (`await self.receive()`); a {@link HandlerBody}
 * object is called once per message by the scheduler (how the OTP behaviours run).
 */
export type ProcessBody =
  | ((self: ProcessContext) => Generator<unknown, unknown, unknown>)
  | ((self: ProcessContext) => Promise<unknown>)
  | ((self: ProcessContext) => void)
  | HandlerBody<ProcessContext>;

/** Options of spawn, spawnLink and spawnMonitor. */
export interface SpawnOptions {
  /** Run-queue priority (Erlang's `process_flag(priority, P)`); default `'normal'`. */
  readonly priority?: Priority;
  /** Registers the new process under this name before it runs; fails if the name is taken. */
  readonly name?: string;
  /** Starts trapping exits from birth (`process_flag(trap_exit, true)` as the first act). */
  readonly trapExit?: boolean;
  /**
   * Bounds the mailbox: past `max` queued messages, `'drop_newest'` (default) drops the
   * arriving message, `'drop_oldest'` drops the oldest queued one, `'exit'` ends the
   * process with `{kind: 'mailbox_overflow', limit}`. The BEAM has no such bound.
   */
  readonly mailbox?: { readonly max: number; readonly overflow?: OverflowPolicy };
}

/** Options of monitor. */
export interface MonitorOptions {
  /**
   * Also make the monitor's ref an alias of this process, active until the monitor ends
   * (demonitor or DOWN): Erlang's `monitor(process, T, [{alias, demonitor}])`, the way
   * OTP's calls drop a reply that comes after the caller gave up.
   */
  readonly alias?: boolean;
}

/** Options of demonitor. */
export interface DemonitorOptions {
  /** Also remove the monitor's DOWN message if it is already queued (Erlang's `[flush]`). */
  readonly flush?: boolean;
}

/**
 * What a running process can do. Received as `self` by a process body. Calls from a
 * process that has already ended throw {@link ProcessExitedError}.
 */
export class ProcessContext {
  // One field: the runtime is reached through the process, so `self` costs 32 bytes.
  readonly #process: Process;

  /** @internal made by the runtime for each process. */
  constructor(process: Process) {
    this.#process = process;
  }

  private get core(): RuntimeCore {
    return this.#process.host as unknown as RuntimeCore;
  }

  /** This process's pid (Erlang's `self()`). */
  get pid(): Pid {
    return this.#process.pid;
  }

  /** The runtime this process runs in (to hand to APIs that take one, e.g. calls from callbacks of other libraries). */
  get runtime(): Runtime {
    return this.core.facade;
  }

  /** The name of the node this process runs on (Erlang's `node()`). */
  get node(): string {
    return this.core.nodeName;
  }

  /**
   * How this process is driven right now: `'generator'` (operations are `yield*`-ed) or
   * `'promise'` (operations are awaited). Helpers that offer one API for both use it.
   */
  get mode(): 'generator' | 'promise' {
    return this.#process.generatorDriven ? 'generator' : 'promise';
  }

  /**
   * Sends `message` to `to` (Erlang's `!`). Never blocks. Sending to a dead pid or to
   * `{name, node}` that does not exist is silently dropped; to an unregistered local
   * name throws {@link BadArgError} (Erlang's `badarg`). Between any two processes,
   * messages arrive in the order they were sent.
   */
  send(to: Address, message: unknown): void {
    const process = this.live();
    process.reductions++;
    process.budget--;
    const busy = this.core.route(to, message, process.pid);
    if (busy !== undefined) process.parkOn(busy);
  }

  /**
   * Selective receive: waits for the first queued message any matcher accepts (all
   * messages when there is no matcher). Messages no matcher accepts stay queued, in
   * order. With `after`, yields `TIMEOUT` if nothing matched in time.
   *
   * `yield* self.receive(...)` in a generator body; `await self.receive(...)` in an
   * async body (or a handler callback).
   */
  receive(): Receive<unknown>;
  receive(options: ReceiveOptions & { readonly after: number }): Receive<unknown>;
  receive(options: ReceiveOptions): Receive<unknown>;
  receive<M extends Matcher[]>(...matchers: M): Receive<Matched<M[number]>>;
  receive<M extends Matcher[]>(
    ...args: [...M, ReceiveOptions & { readonly after: number }]
  ): Receive<Matched<M[number]> | Timeout>;
  receive<M extends Matcher[]>(...args: [...M, ReceiveOptions]): Receive<Matched<M[number]>>;
  receive(): Receive<unknown> {
    const process = this.live();
    // `arguments`, not a rest parameter, read in place: the plain receive() of every
    // loop allocates nothing here, and a call's (matcher, options) only its matcher list.
    const count = arguments.length;
    let matchers: Matcher[] | null = null;
    let after = Infinity;
    let since: Ref | undefined;
    if (count > 0) {
      const last: unknown = arguments[count - 1];
      let matcherCount = count;
      if (typeof last !== 'function') {
        matcherCount--;
        if (typeof last !== 'object' || last === null) {
          throw new TypeError(`receive: the last argument must be a matcher function or an options object, got ${String(last)}`);
        }
        const options = last as ReceiveOptions;
        after = options.after === undefined ? Infinity : options.after;
        since = options.since;
        if (typeof after !== 'number' || Number.isNaN(after) || after < 0) {
          throw new TypeError(`receive: after must be a non-negative number of milliseconds or Infinity, got ${String(after)}`);
        }
      }
      if (matcherCount > 0) {
        // Exactly sized (pushing onto [] would allocate room for 17), and a literal for the
        // usual single matcher, which keeps its elements packed.
        matchers = matcherCount === 1 ? [arguments[0] as Matcher] : new Array<Matcher>(matcherCount);
        for (let i = 0; i < matcherCount; i++) {
          const matcher: unknown = arguments[i];
          if (typeof matcher !== 'function') {
            throw new TypeError(`receive: matcher ${i + 1} must be a function, got ${typeof matcher}`);
          }
          matchers[i] = matcher as Matcher;
        }
      }
    }
    if (process.generatorDriven) return process.receiveForGenerator(matchers, after, since);
    return process.receiveForPromise(matchers, after, since) as unknown as Receive<unknown>;
  }

  /** Waits `ms` milliseconds without consuming messages (Erlang's `timer:sleep/1`). */
  sleep(ms: number): Receive<void> {
    checkDelay('sleep', 'ms', ms);
    return this.receive(never, { after: ms }) as unknown as Receive<void>;
  }

  /** Lets the other runnable processes run first (Erlang's `erlang:yield/0`). */
  yield(): Receive<void> {
    const process = this.live();
    if (process.generatorDriven) return asReceive(process.yieldInGenerator());
    return process.yieldForPromise() as unknown as Receive<void>;
  }

  /**
   * Waits for `promise` without blocking other processes; in a generator body this is
   * how to use promise-based APIs (`const data = yield* self.await(fetchIt())`). Messages
   * keep queueing meanwhile. A rejection is thrown into the body.
   */
  await<T>(promise: PromiseLike<T>): Receive<T> {
    const process = this.live();
    if (process.generatorDriven) return asReceive(process.awaitInGenerator(promise, 'promise'));
    return Promise.resolve(promise) as unknown as Receive<T>;
  }

  /**
   * Runs CPU-heavy `task(...args)` on a dirty scheduler (a worker thread) and suspends
   * only this process until it returns; a throw in the task is thrown here. A function
   * task must be self-contained (its source is what travels); arguments and result are
   * structured-cloned. Erlang's dirty NIFs play this role on the BEAM.
   */
  dirty<A extends unknown[], R>(task: DirtyTask<A, R>, ...args: A): Receive<Awaited<R>> {
    const process = this.live();
    const promise = this.core.runDirty(task as DirtyTask, args);
    if (process.generatorDriven) return asReceive(process.awaitInGenerator(promise, 'dirty work')) as Receive<Awaited<R>>;
    return promise as unknown as Receive<Awaited<R>>;
  }

  /** Starts a new process (Erlang's `spawn/1`). */
  spawn(body: ProcessBody, options?: SpawnOptions): Pid {
    return this.core.spawn(body, options, this.live(), false);
  }

  /** Starts a new process linked to this one, atomically (Erlang's `spawn_link/1`). */
  spawnLink(body: ProcessBody, options?: SpawnOptions): Pid {
    return this.core.spawn(body, options, this.live(), true);
  }

  /** Starts a new process monitored by this one, atomically (Erlang's `spawn_monitor/1`). */
  spawnMonitor(body: ProcessBody, options?: SpawnOptions): { pid: Pid; ref: Ref } {
    const process = this.live();
    const pid = this.core.spawn(body, options, process, false);
    return { pid, ref: this.core.signals.monitor(process, pid) };
  }

  /**
   * Links this process with `pid` (Erlang's `link/1`): when either ends abnormally, the
   * other gets an exit signal. Linking to a dead local process throws
   * {@link NoProcError}, or delivers `{kind: 'EXIT', reason: 'noproc'}` when trapping exits.
   */
  link(pid: Pid): void {
    this.core.signals.link(this.live(), checkPid('link', pid));
  }

  /** Removes a link (Erlang's `unlink/1`); no exit signal of it arrives afterwards. */
  unlink(pid: Pid): void {
    this.core.signals.unlink(this.live(), checkPid('unlink', pid));
  }

  /**
   * Monitors `target` (a pid, a registered name or `{name, node}`): a
   * `{kind: 'DOWN', ref, target, reason}` message arrives when it ends — at once, with
   * `'noproc'`, if it does not exist (Erlang's `monitor(process, Target)`).
   */
  monitor(target: MonitorTarget, options?: MonitorOptions): Ref {
    // Marked before anything tagged with the ref can arrive (a DOWN for a dead target is
    // queued at once): a receive or flush `since` the ref starts there.
    return this.core.signals.monitor(this.live(), checkTarget(target), options?.alias === true, true);
  }

  /** Turns a monitor off (Erlang's `demonitor/2`); returns whether it was still active. */
  demonitor(ref: Ref, options?: DemonitorOptions): boolean {
    return this.core.signals.demonitor(this.live(), ref, options?.flush === true);
  }

  /**
   * With one argument, ends this process with `reason` by throwing an
   * {@link ExitException} (Erlang's `exit/1`; catchable, as in Erlang).
   * With two, sends an exit signal to `pid` (Erlang's `exit/2`): `'kill'` cannot be
   * trapped and ends it as `'killed'`; `'normal'` is ignored unless it traps exits or is
   * this very process; any other reason ends it, or arrives as an EXIT message if it
   * traps exits.
   */
  exit(reason: ExitReason): never;
  exit(pid: Pid, reason: ExitReason): void;
  exit(pidOrReason: Pid | ExitReason, reason?: ExitReason): void {
    const process = this.live();
    if (arguments.length < 2) throw new ExitException(pidOrReason as ExitReason);
    const target = checkPid('exit', pidOrReason as Pid);
    this.core.signals.exit(process.pid, target, reason as ExitReason, 'exit2');
    // A signal that ends this very process stops its code here, as on the BEAM.
    const pending = process.extras?.pendingExit;
    if (pending !== undefined) throw new ExitException(pending);
  }

  /** Sets whether exit signals arrive as EXIT messages; returns the previous value (`process_flag(trap_exit, B)`). */
  trapExit(enabled: boolean): boolean {
    if (typeof enabled !== 'boolean') throw new TypeError(`trapExit: enabled must be a boolean, got ${typeof enabled}`);
    const extras = this.live().extra();
    const previous = extras.trapExit;
    extras.trapExit = enabled;
    return previous;
  }

  /** Whether this process traps exits. */
  get trappingExits(): boolean {
    return this.#process.extras?.trapExit === true;
  }

  /** Changes this process's priority; returns the previous one (`process_flag(priority, P)`). */
  setPriority(priority: Priority): Priority {
    return this.core.setPriority(this.live(), priority);
  }

  /** Registers this process as `name` (Erlang's `register(Name, self())`). */
  register(name: string): void {
    this.core.registerProcess(name, this.live());
  }

  /** Removes a registered name (Erlang's `unregister/1`; BadArgError if it is not registered). */
  unregister(name: string): void {
    this.live();
    this.core.unregisterName(name);
  }

  /** The pids this process is linked to (Erlang's `process_info(self(), links)`). */
  links(): Pid[] {
    const links = this.live().extras?.links;
    return links === undefined ? [] : [...links.values()];
  }

  /** The runtime's clock reading in milliseconds (virtual in tests). */
  now(): number {
    return this.core.clock.now();
  }

  /** The runtime's clock, for behaviours that keep time (restart windows, timeouts). */
  get clock(): Clock {
    return this.core.clock;
  }

  /** The runtime's logger (where behaviours send their reports). */
  get logger(): Logger {
    return this.core.logger;
  }

  /** The pid registered as `name` on this node, if any. */
  whereis(name: string): Pid | undefined {
    return this.core.whereis(name);
  }

  /** Whether the local process `pid` is alive. */
  isAlive(pid: Pid): boolean {
    return this.core.isAlive(pid);
  }

  /**
   * A new unique reference (Erlang's `make_ref/0`). It also marks the mailbox: a receive
   * with `{ since: ref }` skips what was queued before, so waiting for a reply tagged
   * with it stays O(1) however many other messages are queued.
   */
  makeRef(): Ref {
    const process = this.live();
    const ref = this.core.newRef();
    process.mailbox.mark(ref);
    return ref;
  }

  /**
   * A new alias of this process (Erlang's `alias/0`): messages sent to the returned ref
   * reach this process until {@link ProcessContext.unalias}; after that they are dropped.
   */
  alias(): Ref {
    const process = this.live();
    const ref = this.core.newRef();
    this.core.signals.alias(process, ref);
    process.mailbox.mark(ref);
    return ref;
  }

  /** Deactivates an alias (Erlang's `unalias/1`); returns whether it was active. */
  unalias(ref: Ref): boolean {
    return this.core.signals.unalias(this.live(), ref);
  }

  /** Sends `message` to `to` after `ms` milliseconds (Erlang's `erlang:send_after/3`). */
  sendAfter(ms: number, to: Address, message: unknown): Ref {
    this.live();
    return this.core.sendAfter(ms, to, message);
  }

  /** Cancels a timer from sendAfter; returns the milliseconds it had left, or false. */
  cancelTimer(ref: Ref): number | false {
    return this.core.cancelTimer(ref);
  }

  private live(): Process {
    const process = this.#process;
    if (!process.alive) throw new ProcessExitedError(`process ${process.pid} has exited`);
    return process;
  }
}

function never(): boolean {
  return false;
}

function asReceive<T>(generator: Generator<unknown, T, unknown>): Receive<T> {
  return generator as unknown as Receive<T>;
}

function checkDelay(fn: string, name: string, ms: number): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`${fn}: ${name} must be a non-negative finite number, got ${String(ms)}`);
  }
}

function checkPid(fn: string, pid: Pid): Pid {
  if (typeof pid !== 'object' || pid === null || typeof (pid as Pid).id !== 'number' || !('nodeHandle' in pid)) {
    throw new TypeError(`${fn}: pid must be a Pid, got ${String(pid)}`);
  }
  return pid;
}

function checkTarget(target: MonitorTarget): MonitorTarget {
  if (target instanceof Pid || typeof target === 'string') return target;
  if (typeof target === 'object' && target !== null) {
    if (typeof (target as RemoteName).name === 'string' && typeof (target as RemoteName).node === 'string') return target;
  }
  throw new TypeError(`monitor: target must be a Pid, a registered name or {name, node}, got ${String(target)}`);
}

export { checkDelay };

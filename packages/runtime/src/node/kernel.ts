// Kernel: the state of one runtime and the operations on it. The public Runtime and each
// ProcessContext are facades over it; nothing here is exported from the package.
import { EventEmitter } from 'eventemitter3';
import { Process, type ProcessHost } from '../process/process.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { TimerService, type TimerEntry } from '../scheduler/timers.js';
import { systemClock, type Clock } from '../scheduler/clock.js';
import { DirtyPool, type DirtyTask } from '../scheduler/dirty-pool.js';
import { PRIORITY_INDEX, type Priority } from '../scheduler/runnable.js';
import { watchSlices, type SliceWatch } from '../scheduler/long-schedule.js';
import { Pid } from '../terms/pid.js';
import { Ref } from '../terms/ref.js';
import { NodeTable } from '../terms/node-handle.js';
import { formatReason, isCrash, type ExitReason } from '../terms/exit-reason.js';
import { Signals, type SignalHost } from '../signals/signals.js';
import { RefIdTable } from '../terms/ref-id-table.js';
import type { RemoteName } from '../signals/messages.js';
import type { BusyPort, RemoteRoute } from '../signals/remote-route.js';
import { BadArgError, RuntimeStoppedError } from '../errors.js';
import { ProcessTable } from './process-table.js';
import { Registry } from './registry.js';
import type { Logger } from './logger.js';
import { checkDelay, ProcessContext, type Address, type ProcessBody, type SpawnOptions } from './process-context.js';
import type { RuntimeCore } from './runtime-core.js';
import type { RuntimeEvents } from './runtime-events.js';
import { deepFreeze } from './deep-freeze.js';

export interface KernelOptions {
  readonly name: string;
  readonly creation: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly reductionsPerSlice: number;
  readonly maxBusyMs: number;
  readonly longScheduleMs: number | false;
  readonly freezeMessages: boolean;
  readonly dirty: ConstructorParameters<typeof DirtyPool>[0];
}

const PRIORITY_NAMES: readonly Priority[] = ['max', 'high', 'normal', 'low'];

export class Kernel implements RuntimeCore, ProcessHost, SignalHost {
  readonly events = new EventEmitter<RuntimeEvents>();
  readonly nodes: NodeTable;
  readonly table = new ProcessTable();
  readonly registry = new Registry();
  readonly scheduler: Scheduler;
  readonly timers: TimerService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly signals: Signals;
  readonly dirtyPool: DirtyPool;
  remote: RemoteRoute | undefined = undefined;
  /** The public Runtime over this kernel (set by it right after construction). */
  facade!: import('./runtime.js').Runtime;
  /** The pid signals from outside any process come from (Erlang's init-like sender). */
  readonly systemPid: Pid;
  stopped = false;
  readonly #freeze: boolean;
  readonly #watch: (SliceWatch & { close(): void }) | undefined;
  readonly #userTimers = new Map<string, TimerEntry>();
  readonly #aliases = new RefIdTable<Process>();
  // Dirty tasks in flight, settled either way: settle() waits on them instead of polling.
  readonly #dirtyInFlight = new Set<Promise<void>>();
  readonly #detachSettler: (() => void) | undefined;
  #nextRef = 1;
  // Deaths are applied one after another from this queue, so a chain of linked
  // processes dying does not recurse once per link.
  readonly #dying: { process: Process; reason: ExitReason; ownDoing: boolean }[] = [];
  #draining = false;

  constructor(options: KernelOptions) {
    this.nodes = new NodeTable(options.name, options.creation);
    this.systemPid = new Pid(this.nodes.local, 0);
    this.clock = options.clock;
    this.logger = options.logger;
    this.#freeze = options.freezeMessages;
    this.timers = new TimerService(options.clock);
    this.dirtyPool = new DirtyPool(options.dirty);
    this.#watch =
      options.longScheduleMs === false
        ? undefined
        : watchSlices(options.longScheduleMs, ({ id, serial, durationMs }) => this.#reportLongSlice(id, serial, durationMs));
    this.scheduler = new Scheduler({
      reductionsPerSlice: options.reductionsPerSlice,
      reductionsPerTurn: options.reductionsPerSlice * 25,
      maxBusyMs: options.maxBusyMs,
      watch: this.#watch,
    });
    this.signals = new Signals(this);
    this.#detachSettler = options.clock.attachSettler?.(() => this.settle());
  }

  get nodeName(): string {
    return this.nodes.local.name;
  }

  // ── processes ───────────────────────────────────────────────────────────────

  spawn(body: ProcessBody, options: SpawnOptions | undefined, parent: Process | undefined, link: boolean): Pid {
    if (this.stopped) throw new RuntimeStoppedError('spawn: the runtime has been shut down');
    checkBody(body);
    const priority = options?.priority ?? 'normal';
    const priorityIndex = PRIORITY_INDEX[priority];
    if (priorityIndex === undefined) {
      throw new TypeError(`spawn: options.priority must be 'low', 'normal', 'high' or 'max', got ${String(priority)}`);
    }
    const slot = this.table.allocate();
    const pid = new Pid(this.nodes.local, slot.id, slot.serial);
    const process = new Process(pid, this, body, priorityIndex);
    if (options !== undefined) applySpawnOptions(process, options);
    if (options?.name !== undefined) this.registry.register(options.name, process);
    this.table.add(process, parent?.pid);
    if (parent !== undefined) {
      parent.reductions += 10;
      parent.budget -= 10;
      if (link) this.signals.link(parent, pid);
    }
    this.scheduler.enqueue(process);
    if (this.events.listenerCount('spawn') > 0) this.events.emit('spawn', pid, parent?.pid);
    return pid;
  }

  lookup(pid: Pid): Process | undefined {
    return pid.nodeHandle === this.nodes.local ? this.table.get(pid.id, pid.serial) : undefined;
  }

  lookupName(name: string): Process | undefined {
    return this.registry.whereis(name);
  }

  whereis(name: string): Pid | undefined {
    return this.registry.whereis(name)?.pid;
  }

  isAlive(pid: Pid): boolean {
    if (!pid.isLocal) throw new TypeError(`isAlive: ${pid} is not a local pid`);
    return this.lookup(pid) !== undefined;
  }

  registerProcess(name: string, process: Process): void {
    this.registry.register(name, process);
  }

  unregisterName(name: string): void {
    this.registry.unregister(name);
  }

  setPriority(process: Process, priority: Priority): Priority {
    const index = PRIORITY_INDEX[priority];
    if (index === undefined) throw new TypeError(`setPriority: priority must be 'low', 'normal', 'high' or 'max', got ${String(priority)}`);
    const previous = PRIORITY_NAMES[process.priorityIndex]!;
    // A queued process keeps its place in the old queue; the change applies from its next slice.
    process.priorityIndex = index;
    return previous;
  }

  // ── messages ────────────────────────────────────────────────────────────────

  route(to: Address, message: unknown, from: Pid | undefined): BusyPort | void {
    if (this.#freeze) deepFreeze(message);
    if (to instanceof Pid) {
      if (to.nodeHandle === this.nodes.local) {
        this.table.get(to.id, to.serial)?.deliver(message);
      } else {
        return this.remote?.send(from, to, message);
      }
      return;
    }
    if (to instanceof Ref) {
      if (to.nodeHandle === this.nodes.local) this.#aliases.get(to.id)?.deliver(message);
      else return this.remote?.send(from, to, message);
      return;
    }
    if (typeof to === 'string') {
      const process = this.registry.whereis(to);
      if (process === undefined) throw new BadArgError(`send: no process is registered as '${to}'`);
      process.deliver(message);
      return;
    }
    if (typeof to === 'object' && to !== null && typeof to.name === 'string' && typeof to.node === 'string') {
      if (to.node === this.nodeName) this.registry.whereis(to.name)?.deliver(message);
      else return this.remote?.sendNamed(from, to as RemoteName, message);
      return;
    }
    throw new TypeError(`send: to must be a Pid, an alias Ref, a registered name or {name, node}, got ${String(to)}`);
  }

  contextFor(process: Process): ProcessContext {
    return new ProcessContext(process);
  }

  setAlias(refId: number, process: Process | undefined): void {
    if (process === undefined) this.#aliases.delete(refId);
    else this.#aliases.set(refId, process);
  }

  newRef(): Ref {
    return new Ref(this.nodes.local, this.#nextRef++);
  }

  // ── timers ──────────────────────────────────────────────────────────────────

  sendAfter(ms: number, to: Address, message: unknown): Ref {
    checkDelay('sendAfter', 'ms', ms);
    const ref = this.newRef();
    const key = ref.key;
    const entry = this.timers.start(
      ms,
      () => {
        this.#userTimers.delete(key);
        try {
          this.route(to, message, undefined);
        } catch {
          // A name that is no longer registered when the timer fires: the message is dropped, as in Erlang.
        }
      },
      undefined,
    );
    this.#userTimers.set(key, entry);
    return ref;
  }

  cancelTimer(ref: Ref): number | false {
    const entry = this.#userTimers.get(ref.key);
    if (entry === undefined) return false;
    this.#userTimers.delete(ref.key);
    const left = this.timers.remaining(entry);
    this.timers.cancel(entry);
    return left;
  }

  readTimer(ref: Ref): number | false {
    const entry = this.#userTimers.get(ref.key);
    return entry === undefined ? false : this.timers.remaining(entry);
  }

  runDirty(task: DirtyTask, args: unknown[]): Promise<unknown> {
    const result = this.dirtyPool.run(task, args);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#dirtyInFlight.add(settled);
    void settled.then(() => this.#dirtyInFlight.delete(settled));
    return result;
  }

  // ── exits ───────────────────────────────────────────────────────────────────

  /** An exit signal ends `process`: now, or at its next yield if its slice is on the stack. */
  kill(process: Process, reason: ExitReason): void {
    if (!process.alive) return;
    if (this.scheduler.current === process) {
      process.extra().pendingExit ??= reason;
      return;
    }
    this.#enqueueDeath(process, reason, false);
  }

  processEnded(process: Process, reason: ExitReason, ownDoing: boolean): void {
    this.#enqueueDeath(process, reason, ownDoing);
  }

  #enqueueDeath(process: Process, reason: ExitReason, ownDoing: boolean): void {
    if (this.#draining) {
      this.#dying.push({ process, reason, ownDoing });
      return;
    }
    this.#draining = true;
    try {
      this.#finish(process, reason, ownDoing);
      for (let next = this.#dying.shift(); next !== undefined; next = this.#dying.shift()) {
        if (next.process.alive) this.#finish(next.process, next.reason, next.ownDoing);
      }
    } finally {
      this.#draining = false;
    }
  }

  #finish(process: Process, reason: ExitReason, ownDoing: boolean): void {
    process.markExited();
    this.table.delete(process);
    this.registry.release(process);
    if (ownDoing && isCrash(reason)) this.#crashReport(process, reason);
    this.signals.processDied(process, reason);
    if (this.events.listenerCount('exit') > 0) this.events.emit('exit', process.pid, reason);
  }

  #crashReport(process: Process, reason: ExitReason): void {
    const name = process.extras?.name;
    const who = name === undefined ? `${process.pid}` : `${process.pid} (${name})`;
    const stack = typeof reason === 'object' && reason.kind === 'error' && typeof reason.stack === 'string' ? `\n${reason.stack}` : '';
    this.logger.error(`crash report: process ${who} exited: ${formatReason(reason)}${stack}`, {
      pid: process.pid,
      name,
      reason,
    });
  }

  #reportLongSlice(id: number, serial: number, durationMs: number): void {
    const process = this.table.get(id, serial);
    const pid = process?.pid ?? new Pid(this.nodes.local, id, serial);
    const name = process?.extras?.name;
    const who = name === undefined ? `${pid}` : `${pid} (${name})`;
    this.logger.warn(`long schedule: process ${who} held the scheduler for ${durationMs} ms`, { pid, durationMs });
    this.events.emit('long_schedule', { pid, durationMs });
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────

  /** Resolves when no process is runnable and no dirty task is in flight. */
  async settle(): Promise<void> {
    for (;;) {
      await this.scheduler.idle();
      if (this.#dirtyInFlight.size === 0) return;
      // The process waiting on the task is woken when it settles; then settle again.
      await Promise.race(this.#dirtyInFlight);
    }
  }

  /**
   * Like Erlang's init:stop: an exit signal `shutdown` from the runtime to the top of
   * every process tree, so trees stop in order (supervisors shut their children down,
   * trapping servers run terminate); then, once nothing can progress any more — or after
   * `graceMs` of real time while timers are pending on the system clock — whatever still
   * lives is killed.
   */
  async shutdown(graceMs: number): Promise<void> {
    if (this.stopped) return;
    for (const top of this.table.treeTops()) this.signals.exit(this.systemPid, top.pid, 'shutdown', 'exit2');
    const deadline = systemClock.now() + graceMs;
    for (;;) {
      await this.settle();
      if (this.table.size === 0) break;
      // A virtual clock only moves when its test says: waiting on its timers would hang.
      const timersCanFire = this.clock === systemClock && this.timers.size > 0;
      const left = deadline - systemClock.now();
      if (!timersCanFire || left <= 0) break;
      await new Promise<void>((resolve) => systemClock.setTimer(Math.min(10, left), resolve));
    }
    for (const process of [...this.table.values()]) this.kill(process, 'killed');
    this.stopped = true;
    this.scheduler.stop();
    this.timers.clear();
    this.#userTimers.clear();
    this.#watch?.close();
    this.#detachSettler?.();
    await this.dirtyPool.close();
  }
}

function checkBody(body: unknown): void {
  if (typeof body === 'function') return;
  if (typeof body === 'object' && body !== null && typeof (body as { handle?: unknown }).handle === 'function') return;
  throw new TypeError('spawn: body must be a function (generator, async or plain) or an object with a handle(message) method');
}

function applySpawnOptions(process: Process, options: SpawnOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('spawn: options must be an object');
  if (options.trapExit !== undefined) {
    if (typeof options.trapExit !== 'boolean') throw new TypeError('spawn: options.trapExit must be a boolean');
    if (options.trapExit) process.extra().trapExit = true;
  }
  const mailbox = options.mailbox;
  if (mailbox !== undefined) {
    if (!Number.isInteger(mailbox.max) || mailbox.max < 1) {
      throw new TypeError(`spawn: options.mailbox.max must be a positive integer, got ${String(mailbox.max)}`);
    }
    const overflow = mailbox.overflow ?? 'drop_newest';
    if (overflow !== 'drop_newest' && overflow !== 'drop_oldest' && overflow !== 'exit') {
      throw new TypeError(`spawn: options.mailbox.overflow must be 'drop_newest', 'drop_oldest' or 'exit', got ${String(overflow)}`);
    }
    process.extra().mailboxLimit = mailbox.max;
    process.extra().overflow = overflow;
  }
}

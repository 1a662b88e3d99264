// Runtime: the public face of one local node — spawn processes, send to them, look
// them up, and watch what happens. Create one per test; applications usually use one.
import { randomInt } from 'node:crypto';
import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../scheduler/clock.js';
import { systemClock } from '../scheduler/clock.js';
import type { DirtyPoolOptions } from '../scheduler/dirty-pool.js';
import type { Priority } from '../scheduler/runnable.js';
import type { ProcessStatus } from '../process/process.js';
import { Pid } from '../terms/pid.js';
import type { Ref } from '../terms/ref.js';
import { NO_NODE, type NodeTable } from '../terms/node-handle.js';
import type { ExitReason } from '../terms/exit-reason.js';
import type { RemoteEndpoint, RemoteRoute } from '../signals/remote-route.js';
import { BadArgError } from '../errors.js';
import { consoleLogger, type Logger } from './logger.js';
import { Kernel } from './kernel.js';
import type { Address, ProcessBody, SpawnOptions } from './process-context.js';
import type { RuntimeEvents } from './runtime-events.js';

export interface RuntimeOptions {
  /** The node name (`name@host`); default `nonode@nohost` until distribution names it. */
  readonly name?: string;
  /** Time source for every timer; default the system clock. Tests pass a VirtualClock. */
  readonly clock?: Clock;
  /** Where crash reports and warnings go; default the console. */
  readonly logger?: Logger;
  /** Reductions per slice (default 4000, as on the BEAM). */
  readonly reductionsPerSlice?: number;
  /** Busy milliseconds after which the scheduler lets Node's event loop run (default 10). */
  readonly maxBusyMs?: number;
  /** Report slices holding the thread at least this long (default 100 ms); false turns it off. */
  readonly longScheduleMs?: number | false;
  /** Debug aid: deep-freeze every message sent, so a receiver that mutates one fails loudly. */
  readonly freezeMessages?: boolean;
  /** The dirty-scheduler pool (worker threads for `self.dirty`). */
  readonly dirty?: DirtyPoolOptions;
}

/** A snapshot of one process (Erlang's `process_info/1`). */
export interface ProcessInfo {
  readonly pid: Pid;
  readonly name: string | undefined;
  readonly status: ProcessStatus;
  /** How the body is driven: generator, async, handler (behaviours), or not started yet. */
  readonly kind: string;
  /** What it is blocked on, e.g. `receive any message, after 5000 ms`. */
  readonly waitingFor: string | undefined;
  readonly messageQueueLength: number;
  readonly reductions: number;
  readonly priority: Priority;
  readonly trapExit: boolean;
  readonly links: readonly Pid[];
  /** Monitors this process holds: their refs and targets. */
  readonly monitors: readonly { readonly ref: Ref; readonly target: Pid | string }[];
  /** Processes monitoring this one. */
  readonly monitoredBy: readonly Pid[];
}

/** What {@link Runtime.attachRemote} gives a distribution layer. */
export interface RemoteAttachment {
  /** Deliver what arrives from other nodes through this. */
  readonly endpoint: RemoteEndpoint;
  /** The runtime's node table, for decoding pids and refs of other nodes. */
  readonly nodes: NodeTable;
  /** Gives the route up (distribution stopped); the node keeps its name. */
  detach(): void;
}

const PRIORITY_NAMES: readonly Priority[] = ['max', 'high', 'normal', 'low'];

/**
 * One local node: a scheduler, its processes, their names and timers. Erlang's
 * equivalent is a running BEAM node (without distribution until `@troupe/dist` attaches).
 */
export class Runtime {
  readonly #kernel: Kernel;

  constructor(options: RuntimeOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('Runtime: options must be an object');
    const name = options.name ?? NO_NODE;
    if (typeof name !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(name)) {
      throw new TypeError(`Runtime: options.name must look like name@host, got ${String(name)}`);
    }
    const reductionsPerSlice = options.reductionsPerSlice ?? 4000;
    if (!Number.isInteger(reductionsPerSlice) || reductionsPerSlice < 1) {
      throw new TypeError(`Runtime: options.reductionsPerSlice must be a positive integer, got ${String(reductionsPerSlice)}`);
    }
    const maxBusyMs = options.maxBusyMs ?? 10;
    if (typeof maxBusyMs !== 'number' || !(maxBusyMs > 0)) {
      throw new TypeError(`Runtime: options.maxBusyMs must be a positive number, got ${String(maxBusyMs)}`);
    }
    const longScheduleMs = options.longScheduleMs ?? 100;
    if (longScheduleMs !== false && (typeof longScheduleMs !== 'number' || !(longScheduleMs > 0))) {
      throw new TypeError(`Runtime: options.longScheduleMs must be a positive number or false, got ${String(longScheduleMs)}`);
    }
    this.#kernel = new Kernel({
      name,
      // Like Erlang's creation: tells this incarnation's pids from a previous one's.
      creation: randomInt(1, 2 ** 31 - 1),
      clock: options.clock ?? systemClock,
      logger: options.logger ?? consoleLogger,
      reductionsPerSlice,
      maxBusyMs,
      longScheduleMs,
      freezeMessages: options.freezeMessages === true,
      dirty: options.dirty ?? {},
    });
    this.#kernel.facade = this;
  }

  /** This node's name (Erlang's `node()`). */
  get nodeName(): string {
    return this.#kernel.nodeName;
  }

  /** This node's creation number. */
  get creation(): number {
    return this.#kernel.nodes.local.creation;
  }

  /** Spawn, exit and long-schedule events. */
  get events(): EventEmitter<RuntimeEvents> {
    return this.#kernel.events;
  }

  /** The logger crash reports go to (the OTP behaviours log through it too). */
  get logger(): Logger {
    return this.#kernel.logger;
  }

  /** The runtime's clock (behaviours read time from it). */
  get clock(): Clock {
    return this.#kernel.clock;
  }

  /** Starts a process running `body` (Erlang's `spawn/1`). It runs later, never inside this call. */
  spawn(body: ProcessBody, options?: SpawnOptions): Pid {
    return this.#kernel.spawn(body, options, undefined, false);
  }

  /** Sends `message` from outside any process; the same rules as `self.send`. */
  send(to: Address, message: unknown): void {
    this.#kernel.route(to, message, undefined);
  }

  /**
   * Sends an exit signal to `pid` from outside any process (Erlang's `exit/2` called by
   * a process that is not linked to it): `'kill'` always ends it as `'killed'`.
   */
  exit(pid: Pid, reason: ExitReason): void {
    if (!(pid instanceof Pid)) throw new TypeError(`exit: pid must be a Pid, got ${String(pid)}`);
    this.#kernel.signals.exit(this.#kernel.systemPid, pid, reason, 'exit2');
  }

  /** Registers `pid` as `name` (Erlang's `register/2`; `BadArgError` on any conflict). */
  register(name: string, pid: Pid): void {
    const process = this.#kernel.lookup(pid);
    if (process === undefined) throw new BadArgError(`register: ${String(pid)} is not a live local process`);
    this.#kernel.registry.register(name, process);
  }

  /** Removes a registered name (Erlang's `unregister/1`). */
  unregister(name: string): void {
    this.#kernel.registry.unregister(name);
  }

  /** The pid registered as `name`, if any (Erlang's `whereis/1`). */
  whereis(name: string): Pid | undefined {
    return this.#kernel.whereis(name);
  }

  /** All registered names (Erlang's `registered/0`). */
  registered(): string[] {
    return this.#kernel.registry.names();
  }

  /** Whether the local process `pid` is alive. */
  isAlive(pid: Pid): boolean {
    return this.#kernel.isAlive(pid);
  }

  /** The live processes (Erlang's `processes/0`). */
  processes(): Pid[] {
    return [...this.#kernel.table.values()].map((process) => process.pid);
  }

  /** How many processes are alive. */
  get processCount(): number {
    return this.#kernel.table.size;
  }

  /** A snapshot of a live process, or undefined if it is not alive. */
  processInfo(pid: Pid): ProcessInfo | undefined {
    const process = this.#kernel.lookup(pid);
    if (process === undefined) return undefined;
    const extras = process.extras;
    return {
      pid: process.pid,
      name: extras?.name,
      status: process.statusName,
      kind: process.kind,
      waitingFor: process.waitingFor(),
      messageQueueLength: process.queuedCount,
      reductions: process.reductions,
      priority: PRIORITY_NAMES[process.priorityIndex]!,
      trapExit: extras?.trapExit === true,
      links: extras?.links === undefined ? [] : [...extras.links.values()],
      monitors: extras?.monitors === undefined ? [] : [...extras.monitors.values()].map(({ ref, target }) => ({ ref, target })),
      monitoredBy: extras?.monitoredBy === undefined ? [] : [...extras.monitoredBy.values()].map(({ watcher }) => watcher),
    };
  }

  /** A copy of the messages queued for `pid` (Erlang's `process_info(Pid, messages)`). */
  messages(pid: Pid): unknown[] | undefined {
    return this.#kernel.lookup(pid)?.queuedMessages();
  }

  /** A new unique reference (Erlang's `make_ref/0`). */
  makeRef(): Ref {
    return this.#kernel.newRef();
  }

  /** Sends `message` to `to` after `ms` milliseconds; returns a ref to cancel it. */
  sendAfter(ms: number, to: Address, message: unknown): Ref {
    return this.#kernel.sendAfter(ms, to, message);
  }

  /** Cancels a sendAfter timer; returns the milliseconds it had left, or false. */
  cancelTimer(ref: Ref): number | false {
    return this.#kernel.cancelTimer(ref);
  }

  /** Milliseconds left on a sendAfter timer, or false. */
  readTimer(ref: Ref): number | false {
    return this.#kernel.readTimer(ref);
  }

  /** Timers pending in the runtime's timer heap (receive timeouts included). */
  get pendingTimers(): number {
    return this.#kernel.timers.size;
  }

  /**
   * Resolves once no process is runnable and no dirty task is in flight: the runtime has
   * settled. Tests use it instead of sleeping.
   */
  idle(): Promise<void> {
    return this.#kernel.settle();
  }

  /**
   * Connects a distribution layer: messages and signals for pids of other nodes go to
   * `route`, and the returned endpoint delivers what arrives. `name` is the node's
   * distributed name (allowed to change only from `nonode@nohost`).
   */
  attachRemote(route: RemoteRoute, name: string): RemoteAttachment {
    const kernel = this.#kernel;
    if (kernel.remote !== undefined) throw new BadArgError('attachRemote: a distribution layer is already attached');
    const local = kernel.nodes.local;
    if (local.name !== name) {
      if (local.name !== NO_NODE) throw new BadArgError(`attachRemote: this node is already named ${local.name}`);
      local.name = name;
    }
    kernel.remote = route;
    const signals = kernel.signals;
    const endpoint: RemoteEndpoint = {
      send: (to, message) => kernel.route(to, message, undefined),
      sendNamed: (name, message) => kernel.registry.whereis(name)?.deliver(message),
      link: (from, to) => signals.remoteLink(from, to),
      unlink: (from, to) => kernel.lookup(to)?.extras?.links?.delete(from.key),
      exit: (from, to, reason, kind) => signals.exit(from, to, reason, kind),
      monitor: (watcher, target, ref) => signals.remoteMonitor(watcher, target, ref),
      demonitor: (_watcher, target, ref) => signals.remoteDemonitor(target, ref),
      down: (watcher, ref, reason) => signals.remoteDown(watcher, ref, reason),
      adoptMonitor: (watcher, target, ref) => signals.adoptRemoteMonitor(watcher, target, ref),
      nodeDown: (node) => signals.nodeDown(node, [...kernel.table.values()]),
    };
    return {
      endpoint,
      nodes: kernel.nodes,
      detach: () => {
        if (kernel.remote === route) kernel.remote = undefined;
      },
    };
  }

  /**
   * Stops the runtime in order, like Erlang's `init:stop`: the top of every process tree
   * (every process not linked to the live process that spawned it) gets an exit
   * signal `shutdown` from {@link Runtime.systemPid}, so supervision trees stop children in reverse order
   * and servers that trap exits run `terminate`. Once nothing can progress — or after
   * `graceMs` (default 5000) of real time while timers are pending — the rest is killed;
   * then timers are dropped and the dirty pool stops.
   */
  shutdown(options: { readonly graceMs?: number } = {}): Promise<void> {
    const graceMs = options.graceMs ?? 5000;
    if (typeof graceMs !== 'number' || !(graceMs >= 0)) {
      throw new TypeError(`shutdown: options.graceMs must be a non-negative number, got ${String(graceMs)}`);
    }
    return this.#kernel.shutdown(graceMs);
  }

  /**
   * The runtime's own pid, `<0.0.0>` (Erlang's init): exit signals from `rt.exit` and
   * `rt.shutdown` come from it, and behaviours started from plain Node code treat it as
   * their parent.
   */
  get systemPid(): Pid {
    return this.#kernel.systemPid;
  }
}

let defaultRuntime: Runtime | undefined;

/** The runtime applications share when they do not make their own. */
export function getDefaultRuntime(): Runtime {
  return (defaultRuntime ??= new Runtime());
}

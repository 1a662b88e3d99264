// The start protocol (proc_lib:start/start_link): spawn, wait for the child's init ack,
// kill the child when the start timeout passes; name conflicts answer already_started.
import {
  ExitException,
  isDownMessage,
  isExitMessage,
  Runtime,
  TIMEOUT,
  type ExitReason,
  type Pid,
  type ProcessBody,
  type ProcessContext,
  type Ref,
  type SpawnOptions,
} from '@troupe/runtime';
import { exitReasonOf } from './outcome.js';
import { perform, wait, type Caller, type Operation, type Steps } from './operation.js';

/** What a starting process reports about its init (proc_lib's `init_ack` / `init_fail`). */
export type InitAck = { readonly kind: 'ok' } | { readonly kind: 'ignore' } | { readonly kind: 'error'; readonly reason: ExitReason };

/** `{error, {already_started, Pid}}`: the name asked for is taken by `pid`. */
export interface AlreadyStartedReason {
  readonly kind: 'already_started';
  readonly pid: Pid;
}

/**
 * How a start went: `{ok, Pid}`, `ignore` or `{error, Reason}` — `reason` is the child's
 * exit reason if it died before acking, `'timeout'` if the start timeout passed, or
 * {@link AlreadyStartedReason} for a taken name.
 */
export type StartResult<P extends Pid = Pid> =
  | { readonly kind: 'ok'; readonly pid: P }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'error'; readonly reason: ExitReason };

/** The init ack a starting process sends to its starter's alias. */
export interface InitAckMessage {
  readonly kind: '$init_ack';
  readonly tag: Ref;
  readonly result: InitAck;
}

/** What the body of a process being started gets to talk back to its starter. */
export interface Starter {
  /**
   * The process that called `startLink` (Erlang's `Parent`); `undefined` for `start`, or
   * when started from plain Node code (there is no process to link to).
   */
  readonly parent: Pid | undefined;
  /**
   * Tells the starter how init went (`proc_lib:init_ack/1`, `init_fail/2`). Call it once,
   * from the started process; after a non-`ok` ack the process must exit, and the
   * starter returns once it has.
   */
  initAck(self: ProcessContext, result: InitAck): void;
}

/**
 * Ends a behaviour's failed init as OTP's init_it does: acks `{error, Reason}` to the
 * starter, then exits with that reason; terminate is not called. `error` is what init
 * threw, or an ExitException carrying the reason (a `stop` result, a bad return value).
 */
export function failInit(starter: Starter, self: ProcessContext, error: unknown): never {
  const reason = exitReasonOf(error);
  starter.initAck(self, { kind: 'error', reason });
  throw error instanceof ExitException ? error : new ExitException(reason);
}

/** Ends a behaviour whose init answered `ignore`: acks it, then exits normally. */
export function ignoreInit(starter: Starter, self: ProcessContext): never {
  starter.initAck(self, { kind: 'ignore' });
  throw new ExitException('normal');
}

/** Options of {@link start}. */
export interface StartOptions {
  /** Link the child to the calling process (`start_link`); ignored when the caller is a Runtime. */
  readonly link?: boolean;
  /** Register the child under this local name before it runs. */
  readonly name?: string;
  /** Milliseconds to wait for the init ack; default `Infinity`, as in OTP. */
  readonly timeoutMs?: number;
  /** Priority, mailbox bound, trapExit… of the child (`name` goes in `name` above). */
  readonly spawnOptions?: Omit<SpawnOptions, 'name'>;
}

/**
 * What every behaviour's start and startLink take besides its module and args: start's
 * options less `link`, which the function name says (`GenServer.startLink`…).
 */
export interface BehaviourStartOptions {
  /** Register the process under this local name (`{local, Name}`); a taken name answers already_started. */
  readonly name?: string;
  /** Milliseconds init may take before the process is killed and start returns `'timeout'` (default Infinity). */
  readonly timeoutMs?: number;
  /** Spawn options of the process (priority, mailbox bound, trapExit…). */
  readonly spawnOptions?: StartOptions['spawnOptions'];
}

/**
 * {@link start} behind a behaviour's start/startLink: checks `options` (a TypeError names
 * `fn`), then starts `body` with them, linked when `link`.
 */
export function startBehaviour<C extends Caller>(
  fn: string,
  caller: C,
  body: (starter: Starter) => ProcessBody,
  link: boolean,
  options: BehaviourStartOptions = {},
): Operation<C, StartResult> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options must be an object`);
  const { name, timeoutMs, spawnOptions } = options;
  return start(caller, body, { link, name, timeoutMs, spawnOptions });
}

/**
 * Starts a process synchronously (Erlang's `proc_lib:start/5` and `start_link/5`):
 * spawns `body(starter)` — linked when `link` — and waits until it calls
 * `starter.initAck`. On `ok` returns `{kind: 'ok', pid}`. If init fails, or the child
 * dies first, returns the error once the child has exited (and, when trapping exits,
 * after consuming its EXIT). When `timeoutMs` passes first, the child is killed and the
 * result is `{kind: 'error', reason: 'timeout'}`. A taken `name` answers
 * `{kind: 'error', reason: {kind: 'already_started', pid}}` without spawning.
 *
 * `caller` is the starting process's `self` (yield* or await the result) or a Runtime
 * (a Promise; the child's parent is then the runtime itself, `runtime.systemPid`, so
 * `runtime.shutdown()` stops it the way a supervisor would).
 */
export function start<C extends Caller>(
  caller: C,
  body: (starter: Starter) => ProcessBody,
  options: StartOptions = {},
): Operation<C, StartResult> {
  checkStartOptions(options);
  if (typeof body !== 'function') throw new TypeError(`start: body must be a function (starter) => ProcessBody, got ${typeof body}`);
  const link = options.link === true && !(caller instanceof Runtime);
  const runtimeParent = caller instanceof Runtime ? caller.systemPid : undefined;
  return perform(caller, (self) => startSteps(self, body, options, link, runtimeParent));
}

function* startSteps(
  self: ProcessContext,
  makeBody: (starter: Starter) => ProcessBody,
  options: StartOptions,
  link: boolean,
  runtimeParent: Pid | undefined,
): Steps<StartResult> {
  const { name, timeoutMs = Infinity } = options;
  if (name !== undefined) {
    const holder = self.whereis(name);
    if (holder !== undefined) return { kind: 'error', reason: { kind: 'already_started', pid: holder } };
  }
  // The child never runs inside spawn, so `tag` is set before it can ack.
  let tag: Ref | undefined;
  const starter: Starter = {
    parent: link ? self.pid : runtimeParent,
    initAck(child, result) {
      const to = tag;
      if (to === undefined) throw new TypeError('initAck: the start was already acknowledged');
      tag = undefined;
      // OTP's init_it unregisters the name before init_fail/ignore: once the starter hears
      // the start failed, a lookup of the name must not find the dying process.
      if (result.kind !== 'ok' && name !== undefined && child.whereis(name)?.equals(child.pid) === true) child.unregister(name);
      child.send(to, { kind: '$init_ack', tag: to, result } satisfies InitAckMessage);
    },
  };
  const childBody = checkBody(makeBody(starter));
  const spawnOptions: SpawnOptions | undefined = name === undefined ? options.spawnOptions : { ...options.spawnOptions, name };
  const pid = link ? self.spawnLink(childBody, spawnOptions) : self.spawn(childBody, spawnOptions);
  const ref = self.monitor(pid, { alias: true });
  tag = ref;

  const first = yield wait(ref, (m) => isInitAckFor(m, ref) || isDownMessage(m, ref), timeoutMs);
  if (first === TIMEOUT) {
    // proc_lib's kill_flush_EXIT: unlink before the kill, or the link would kill the starter.
    if (link) self.unlink(pid);
    self.exit(pid, 'kill');
    yield* flushExit(self, pid);
    yield* awaitDown(ref);
    // An ack sent just before the kill must not stay behind in the starter's mailbox.
    yield wait(ref, (m) => isInitAckFor(m, ref), 0);
    return { kind: 'error', reason: 'timeout' };
  }
  if (isDownMessage(first)) {
    if (link) self.unlink(pid);
    yield* flushExit(self, pid);
    return { kind: 'error', reason: first.reason };
  }
  const ack = (first as InitAckMessage).result;
  if (ack.kind === 'ok') {
    self.demonitor(ref, { flush: true });
    return { kind: 'ok', pid };
  }
  // A failed init: return only once the child is gone, as OTP 26's proc_lib waits for the
  // DOWN after init_fail: nothing of the child (an EXIT, say) arrives after start returns.
  if (link) self.unlink(pid);
  yield* flushExit(self, pid);
  yield* awaitDown(ref);
  return ack.kind === 'ignore' ? { kind: 'ignore' } : { kind: 'error', reason: ack.reason };
}

/** Consumes an EXIT from `pid` already queued (one can only be there when trapping exits). */
function* flushExit(self: ProcessContext, pid: Pid): Steps<void> {
  if (!self.trappingExits) return;
  yield wait(undefined, (m) => isExitMessage(m) && m.from.equals(pid), 0);
}

function* awaitDown(ref: Ref): Steps<void> {
  yield wait(ref, (m) => isDownMessage(m, ref));
}

function isInitAckFor(message: unknown, ref: Ref): message is InitAckMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as InitAckMessage).kind === '$init_ack' &&
    ref.equals((message as InitAckMessage).tag)
  );
}

function checkBody(body: ProcessBody): ProcessBody {
  if (typeof body === 'function') return body;
  if (typeof body === 'object' && body !== null && typeof body.handle === 'function') return body;
  throw new TypeError('start: body(starter) must return a process body (a function or a { handle } object)');
}

function checkStartOptions(options: StartOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('start: options must be an object');
  const { name, timeoutMs } = options;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new TypeError(`start: options.name must be a non-empty string, got ${String(name)}`);
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0)) {
    throw new TypeError(`start: options.timeoutMs must be a non-negative number of milliseconds or Infinity, got ${String(timeoutMs)}`);
  }
}

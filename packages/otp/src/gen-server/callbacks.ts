// The gen_server callback contract: the GenServer module interface, its type parameters
// as named fields, and the tagged results its callbacks return.
import type { ExitReason, ProcessContext } from '@troupe/runtime';
import type { From } from '../gen/from.js';

/**
 * The types one server is about, as named fields (all but `state` optional):
 * `{ state: Map<string, number>; call: Get | Put; reply: number | undefined; cast: Clear; args: string[] }`.
 * A server without `call` (or `cast`) refuses every call (cast) at compile time.
 */
export interface ServerTypes {
  readonly state: unknown;
  readonly call?: unknown;
  readonly cast?: unknown;
  readonly reply?: unknown;
  readonly info?: unknown;
  readonly args?: unknown;
  readonly continue?: unknown;
}

import type { StateOf, CallOf, CastOf, ReplyOf, InfoOf, ArgsOf } from '../gen/type-bag.js';
export type { StateOf, CallOf, CastOf, ReplyOf, InfoOf, ArgsOf };
/** What `T`'s results hand to handleContinue. */
export type ContinueOf<T> = T extends { readonly continue: infer K } ? K : unknown;

/** What handleInfo receives when an idle timeout expires (Erlang's `timeout` atom). */
export type IdleTimeoutInfo = 'timeout';

type MaybePromise<T> = T | PromiseLike<T>;

/**
 * A gen_server callback module (Erlang's `-behaviour(gen_server)`). Every callback may be
 * sync or async: while a returned promise is pending the server is suspended and its
 * mailbox keeps filling. A callback that calls another server must be async. Annotate
 * modules with their type (`const Counter: GenServer<CounterTypes> = {…}`) so that
 * `start` can type the returned pid.
 */
export interface GenServer<T extends ServerTypes> {
  /** Sets up the state (`init/1`); the starter waits for its result. */
  init(args: ArgsOf<T>, self: ProcessContext): MaybePromise<InitResult<StateOf<T>, ContinueOf<T>>>;
  /** Answers a call (`handle_call/3`): now with `reply`, or later with `GenServer.reply(self, from, value)`. */
  handleCall?(
    request: CallOf<T>,
    from: From<ReplyOf<T>>,
    state: StateOf<T>,
    self: ProcessContext,
  ): MaybePromise<CallResult<StateOf<T>, ReplyOf<T>, ContinueOf<T>>>;
  /** Handles a cast (`handle_cast/2`). */
  handleCast?(request: CastOf<T>, state: StateOf<T>, self: ProcessContext): MaybePromise<NoreplyOrStop<StateOf<T>, ContinueOf<T>>>;
  /**
   * Handles any other message (`handle_info/2`): plain messages, EXIT and DOWN, and
   * `'timeout'` when an idle timeout expires. Without it, such messages are logged and dropped.
   */
  handleInfo?(
    message: InfoOf<T> | IdleTimeoutInfo,
    state: StateOf<T>,
    self: ProcessContext,
  ): MaybePromise<NoreplyOrStop<StateOf<T>, ContinueOf<T>>>;
  /** Runs right after a result carrying `{ continue: arg }`, before the next message (`handle_continue/2`). */
  handleContinue?(arg: ContinueOf<T>, state: StateOf<T>, self: ProcessContext): MaybePromise<NoreplyOrStop<StateOf<T>, ContinueOf<T>>>;
  /**
   * Cleans up before the server exits (`terminate/2`): after a stop result, a crashing
   * callback, `GenServer.stop`, or an EXIT from its parent while trapping exits. Not
   * called when the server is killed, or ended by an exit signal it does not trap.
   */
  terminate?(reason: ExitReason, state: StateOf<T>, self: ProcessContext): void | PromiseLike<void>;
}

/** What a result asks the server to do next (at most one, as in OTP). */
export type Next<K = unknown> =
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'continue'; readonly arg: K }
  | { readonly kind: 'hibernate' };

/**
 * The optional last argument of the result constructors: `{ timeout: ms }` (idle
 * timeout: handleInfo gets `'timeout'` if no message arrives in time), `{ continue: arg }`
 * (call handleContinue first) or `{ hibernate: true }` (accepted; a no-op on V8).
 */
export type NextOptions<K = unknown> = { readonly timeout: number } | { readonly continue: K } | { readonly hibernate: true };

/** `{ok, State}` (with `next`: `{ok, State, Timeout | hibernate | {continue, Arg}}`). */
export interface OkResult<S, K = unknown> {
  readonly kind: 'ok';
  readonly state: S;
  readonly next?: Next<K>;
}
/** `ignore`: start returns `{kind: 'ignore'}` and the process exits normally. */
export interface IgnoreResult {
  readonly kind: 'ignore';
}
/** `{stop, Reason}` from init: start returns `{kind: 'error', reason}` and the process exits with `reason`. */
export interface StopInitResult {
  readonly kind: 'stop';
  readonly reason: ExitReason;
}
/** `{reply, Reply, State}` */
export interface ReplyResult<S, R, K = unknown> {
  readonly kind: 'reply';
  readonly reply: R;
  readonly state: S;
  readonly next?: Next<K>;
}
/** `{noreply, State}` */
export interface NoreplyResult<S, K = unknown> {
  readonly kind: 'noreply';
  readonly state: S;
  readonly next?: Next<K>;
}
/** `{stop, Reason, State}`, or with `reply` (handleCall only) `{stop, Reason, Reply, State}`: terminate runs, then the reply is sent. */
export interface StopResult<S, R = never> {
  readonly kind: 'stop';
  readonly reason: ExitReason;
  readonly state: S;
  readonly reply?: R;
}

/** Results of init. */
export type InitResult<S, K = unknown> = OkResult<S, K> | IgnoreResult | StopInitResult;
/** Results of handleCall. */
export type CallResult<S, R, K = unknown> = ReplyResult<S, R, K> | NoreplyResult<S, K> | StopResult<S, R>;
/** Results of handleCast, handleInfo and handleContinue. */
export type NoreplyOrStop<S, K = unknown> = NoreplyResult<S, K> | StopResult<S>;

/** init succeeded with `state` (Erlang's `{ok, State}`). */
export function ok<S, K = never>(state: S, next?: NextOptions<K>): OkResult<S, K> {
  return next === undefined ? { kind: 'ok', state } : { kind: 'ok', state, next: toNext('ok', next) };
}

/** init declines to start (Erlang's `ignore`). */
export function ignore(): IgnoreResult {
  return { kind: 'ignore' };
}

/** init fails with `reason` (Erlang's `{stop, Reason}` from init). */
export function stopInit(reason: ExitReason): StopInitResult {
  return { kind: 'stop', reason };
}

/** Replies `value` to the caller and continues with `state` (Erlang's `{reply, Reply, State}`). */
export function reply<R, S, K = never>(value: R, state: S, next?: NextOptions<K>): ReplyResult<S, R, K> {
  return next === undefined ? { kind: 'reply', reply: value, state } : { kind: 'reply', reply: value, state, next: toNext('reply', next) };
}

/** Continues with `state` without replying now (Erlang's `{noreply, State}`). */
export function noreply<S, K = never>(state: S, next?: NextOptions<K>): NoreplyResult<S, K> {
  return next === undefined ? { kind: 'noreply', state } : { kind: 'noreply', state, next: toNext('noreply', next) };
}

/**
 * Stops the server with `reason` after terminate runs on `state` (Erlang's `{stop, Reason, State}`);
 * from handleCall, a third argument is replied to the caller after terminate (`{stop, Reason, Reply, State}`).
 */
export function stop<S, R = never>(reason: ExitReason, state: S, ...replyValue: [] | [R]): StopResult<S, R> {
  return replyValue.length === 0 ? { kind: 'stop', reason, state } : { kind: 'stop', reason, state, reply: replyValue[0] };
}

function toNext<K>(fn: string, options: NextOptions<K>): Next<K> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: the options must be an object, got ${String(options)}`);
  const keys = Object.keys(options);
  if (keys.length !== 1) {
    throw new TypeError(`${fn}: give exactly one of timeout, continue or hibernate, got {${keys.join(', ')}}`);
  }
  if ('timeout' in options) {
    const ms = options.timeout;
    if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
      throw new TypeError(`${fn}: timeout must be a non-negative number of milliseconds or Infinity, got ${String(ms)}`);
    }
    return { kind: 'timeout', ms };
  }
  if ('continue' in options) return { kind: 'continue', arg: options.continue };
  if ('hibernate' in options && options.hibernate === true) return { kind: 'hibernate' };
  throw new TypeError(`${fn}: give exactly one of timeout, continue or hibernate: true, got {${keys.join(', ')}}`);
}

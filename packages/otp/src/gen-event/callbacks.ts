// gen-event/callbacks.ts
// The gen_event handler contract: the EventHandler interface, handler ids, callback results and their constructors.
import type { ArgsOf, CallOf, CastOf, InfoOf, ReplyOf, StateOf } from '../gen/type-bag.js';
import type { ExitReason, Pid, ProcessContext } from '@troupe/runtime';

declare const handlerTypes: unique symbol;

/**
 * Identifies an installed handler (OTP's `Module` or `{Module, Id}`). The phantom types
 * let `call` check the request and type the reply: `handlerId<'get', number>('counter')`.
 * Two handlers may share an id, as in OTP; operations then act on the newest one.
 */
export type HandlerId<Call = unknown, Reply = unknown> = string & {
  readonly [handlerTypes]?: { readonly call: Call; readonly reply: Reply };
};

/** Names a handler, with the types of its calls (no run-time effect). */
export function handlerId<Call = unknown, Reply = unknown>(id: string): HandlerId<Call, Reply> {
  if (typeof id !== 'string') throw new TypeError(`handlerId: id must be a string, got ${String(id)}`);
  return id as HandlerId<Call, Reply>;
}

/**
 * The types one handler is about, as named fields (all but `state` optional):
 * `{ state: string[]; event: LogLine; call: 'dump'; reply: string[]; args: number }`.
 */
export interface HandlerTypes {
  readonly state: unknown;
  readonly event?: unknown;
  readonly call?: unknown;
  readonly reply?: unknown;
  readonly info?: unknown;
  readonly args?: unknown;
}

/** The handler state of `T`. */
export type HandlerStateOf<T> = StateOf<T>;
/** The events `T` handles (what the manager is notified of). */
export type HandlerEventOf<T> = T extends { readonly event: infer E } ? E : unknown;
/** The call requests of `T` (`never`: none). */
export type HandlerCallOf<T> = CallOf<T>;
/** The replies of `T`'s calls. */
export type HandlerReplyOf<T> = ReplyOf<T>;
/** The other messages `T` expects in handleInfo. */
export type HandlerInfoOf<T> = InfoOf<T>;
/** The argument of `T`'s init (`undefined`: none). */
export type HandlerArgsOf<T> = ArgsOf<T>;

/** A value or a promise of it: handler callbacks may be async (the manager waits). */
export type MaybePromise<T> = T | PromiseLike<T>;

// `next` of gen_server's ok/reply: only `{ hibernate: true }` (a no-op) is valid here.
type NextField = { readonly next?: unknown };

/**
 * What init returns: `{ok, State}` — gen_server's `ok(state)` — or `{stop, Reason}` —
 * `stopInit(reason)` — to refuse (OTP's `{error, Reason}`: addHandler reports the reason).
 */
export type HandlerInitResult<S> =
  | ({ readonly kind: 'ok'; readonly state: S } & NextField)
  | { readonly kind: 'stop'; readonly reason: unknown };

/** Replace this handler by another: terminate(terminateArgs, state), then the new one's init({ args, previous }). */
export interface SwapHandlerResult<S> {
  readonly kind: 'swap_handler';
  /** Passed to this handler's terminate. */
  readonly terminateArgs: unknown;
  /** This handler's final state, given to its terminate. */
  readonly state: S;
  readonly id: HandlerId;
  readonly handler: AnyEventHandler;
  /** The new handler's init receives `{ args, previous }`, `previous` being terminate's result. */
  readonly args: unknown;
}

/** What handleEvent / handleInfo return: `ok(state)`, {@link swapHandler} or {@link removeHandler}. */
export type HandlerResult<S> =
  | ({ readonly kind: 'ok'; readonly state: S } & NextField)
  | SwapHandlerResult<S>
  | { readonly kind: 'remove_handler' };

/** What handleCall returns: gen_server's `reply(value, state)` (OTP's `{ok, Reply, State}`), or a swap or remove with a reply. */
export type HandlerCallResult<S, R> =
  | ({ readonly kind: 'reply'; readonly reply: R; readonly state: S } & NextField)
  | (SwapHandlerResult<S> & { readonly reply: R })
  | { readonly kind: 'remove_handler'; readonly reply: R };

/** What a swapped-in handler's init receives (OTP's `{Args2, Term}`). */
export interface SwapInitArgs<A = unknown> {
  readonly args: A;
  /**
   * The replaced handler's terminate result; `'error'` if no such handler was installed,
   * or `{ kind: 'error', error, stack }` if its terminate threw.
   */
  readonly previous: unknown;
}

/**
 * Why a handler is removed, as its terminate sees it (OTP's `Arg`), besides the arguments a
 * caller gives to `deleteHandler`/`swapHandler`, which are passed through unchanged:
 * - `'stop'`: the manager is terminating;
 * - `'remove_handler'`: a callback returned removeHandler;
 * - `{ kind: 'stop', reason }`: the process it was added for (addSupHandler) exited;
 * - `{ kind: 'error', reason }`: a callback threw (`reason` is `{ kind: 'error', error, stack }`)
 *   or returned a bad value (`{ kind: 'bad_return_value', callback, value }`).
 */
export type HandlerRemoval =
  | 'stop'
  | 'remove_handler'
  | { readonly kind: 'stop'; readonly reason: ExitReason }
  | { readonly kind: 'error'; readonly reason: ExitReason };

/**
 * An event handler (OTP's gen_event callback module). Every callback gets the manager's
 * process context last and may be async. A callback that throws or returns a bad value
 * removes this handler alone; the manager and the other handlers carry on.
 */
export interface EventHandler<T extends HandlerTypes> {
  /** `Module:init/1`, on addHandler (or on a swap, with {@link SwapInitArgs}). */
  init(args: HandlerArgsOf<T>, self: ProcessContext): MaybePromise<HandlerInitResult<HandlerStateOf<T>>>;
  /** `Module:handle_event/2`, for each notify/syncNotify. */
  handleEvent(event: HandlerEventOf<T>, state: HandlerStateOf<T>, self: ProcessContext): MaybePromise<HandlerResult<HandlerStateOf<T>>>;
  /** `Module:handle_call/2`, for `GenEvent.call` aimed at this handler. */
  handleCall(
    request: HandlerCallOf<T>,
    state: HandlerStateOf<T>,
    self: ProcessContext,
  ): MaybePromise<HandlerCallResult<HandlerStateOf<T>, HandlerReplyOf<T>>>;
  /** `Module:handle_info/2`, for any other message to the manager (missing: logged and dropped). */
  handleInfo?(info: HandlerInfoOf<T>, state: HandlerStateOf<T>, self: ProcessContext): MaybePromise<HandlerResult<HandlerStateOf<T>>>;
  /** `Module:terminate/2`; `reason` is a {@link HandlerRemoval} or a caller's delete/swap arguments. */
  terminate?(reason: unknown, state: HandlerStateOf<T>, self: ProcessContext): unknown;
}

// The table does not know each handler's type parameters; the public API checks them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEventHandler = EventHandler<any>;

/**
 * What the process that added a handler with addSupHandler receives when the handler is
 * removed (OTP's `{gen_event_EXIT, Handler, Reason}`). `reason` is `'normal'` (deleted or
 * removeHandler), `'shutdown'` (the manager stopped, or this process exited),
 * `{ kind: 'swapped', handler, pid }` (replaced), or the error that removed it.
 */
export interface GenEventExitMessage {
  readonly kind: 'gen_event_EXIT';
  readonly handler: HandlerId;
  readonly reason: ExitReason;
}

/** Type guard for {@link GenEventExitMessage}. */
export function isGenEventExit(message: unknown): message is GenEventExitMessage {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'gen_event_EXIT';
}

/** `{swapped, NewHandler, Pid}`: the reason sent when a supervised handler was swapped out. */
export type SwappedReason = {
  readonly kind: 'swapped';
  readonly handler: HandlerId;
  readonly pid: Pid | undefined;
};

/** `remove_handler` (from handleCall: `{remove_handler, Reply}`). */
export function removeHandler(): { readonly kind: 'remove_handler'; readonly reply: undefined };
export function removeHandler<R>(reply: R): { readonly kind: 'remove_handler'; readonly reply: R };
export function removeHandler(reply?: unknown): { readonly kind: 'remove_handler'; readonly reply: unknown } {
  return { kind: 'remove_handler', reply };
}

/** `{swap_handler, Args1, State, Handler2, Args2}` (with `reply` from handleCall: `{swap_handler, Reply, …}`). */
export function swapHandler<S, A, R = undefined>(swap: {
  readonly terminateArgs?: unknown;
  readonly state: S;
  readonly id: HandlerId;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly handler: EventHandler<any>;
  readonly args: A;
  readonly reply?: R;
}): SwapHandlerResult<S> & { readonly reply: R } {
  return {
    kind: 'swap_handler',
    terminateArgs: swap.terminateArgs,
    state: swap.state,
    id: swap.id,
    handler: swap.handler,
    args: swap.args,
    reply: swap.reply as R,
  };
}

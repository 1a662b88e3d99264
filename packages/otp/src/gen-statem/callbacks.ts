// gen-statem/callbacks.ts
// The gen_statem callback contract: callback modes, event types, state callback results and their constructors.
import type { ArgsOf, CallOf, CastOf, InfoOf, ReplyOf, StateOf } from '../gen/type-bag.js';
import type { ExitReason, ProcessContext } from '@troupe/runtime';
import type { From } from '../gen/from.js';
import type { Action, EnterAction, ReplyAction } from './actions.js';

/**
 * The types one state machine is about, as named fields (all but `state` and `data`
 * optional): `{ state: 'locked' | 'open'; data: { code: string }; call: Button; reply: 'ok' }`.
 * A machine without `call` (or `cast`) refuses every call (cast) at compile time.
 */
export interface StatemTypes {
  readonly state: unknown;
  readonly data: unknown;
  readonly call?: unknown;
  readonly cast?: unknown;
  readonly reply?: unknown;
  readonly info?: unknown;
  readonly args?: unknown;
}

/** The state type of `T`. */
export type StatemStateOf<T> = StateOf<T>;
/** The data type of `T`. */
export type StatemDataOf<T> = T extends { readonly data: infer D } ? D : unknown;
/** The call requests of `T` (`never`: none). */
export type StatemCallOf<T> = CallOf<T>;
/** The cast requests of `T` (`never`: none). */
export type StatemCastOf<T> = CastOf<T>;
/** The replies of `T`'s calls. */
export type StatemReplyOf<T> = ReplyOf<T>;
/** The plain messages `T` expects as `'info'` events. */
export type StatemInfoOf<T> = InfoOf<T>;
/** The argument of `T`'s init (`undefined`: none). */
export type StatemArgsOf<T> = ArgsOf<T>;

/**
 * An event, as one tagged object (OTP's `EventType` + `EventContent`): `switch (event.type)`
 * narrows `content`. OTP's `{call, From}` is `type: 'call'` with `from`; `{timeout, Name}` is
 * `type: 'generic_timeout'` with `name`.
 */
export type StatemEvent<T extends StatemTypes = StatemTypes> =
  | { readonly type: 'call'; readonly content: StatemCallOf<T>; readonly from: From<StatemReplyOf<T>> }
  | { readonly type: 'cast'; readonly content: StatemCastOf<T> }
  | { readonly type: 'info'; readonly content: StatemInfoOf<T> }
  | { readonly type: 'timeout'; readonly content: unknown }
  | { readonly type: 'state_timeout'; readonly content: unknown }
  | { readonly type: 'generic_timeout'; readonly name: string; readonly content: unknown }
  | { readonly type: 'internal'; readonly content: unknown };

/** Any machine's event (the engine's view: contents unchecked). */
export type AnyStatemEvent = StatemEvent<{ state: unknown; data: unknown; call: unknown; cast: unknown; reply: unknown; info: unknown }>;

/** Event types (OTP's `event_type()`; `'generic_timeout'` is `{timeout, Name}`). */
export type EventType = StatemEvent['type'];

/**
 * What a state callback gets for a state enter call (`stateEnter: true`): the state it came
 * from — for the initial state, the state itself (OTP's `(enter, OldState, …)`).
 */
export interface EnterEvent<S> {
  readonly type: 'enter';
  readonly oldState: S;
  /** Absent; declared so that `event.content` reads on any event without narrowing first. */
  readonly content?: undefined;
}

/** `{next_state, State, Data, Actions}`: a state transition, a state change when `state` differs. */
export interface NextStateResult<S, D> {
  readonly kind: 'next_state';
  readonly state: S;
  readonly data: D;
  readonly actions: readonly Action[];
}

/** `{keep_state, Data, Actions}`, or `keep_state_and_data` when `data` is absent. */
export interface KeepStateResult<D> {
  readonly kind: 'keep_state';
  readonly data?: D;
  readonly actions: readonly Action[];
}

/** `{repeat_state, Data, Actions}`: like keep_state, and the state enter call is repeated. */
export interface RepeatStateResult<D> {
  readonly kind: 'repeat_state';
  readonly data?: D;
  readonly actions: readonly Action[];
}

/** `{stop, Reason, Data}`: terminate (terminate callback, then exit with `reason`). */
export interface StopMachineResult<D> {
  readonly kind: 'stop';
  readonly reason: ExitReason;
  readonly data?: D;
}

/** `{stop_and_reply, Reason, Replies, Data}`: send the replies, then stop. */
export interface StopAndReplyResult<D> {
  readonly kind: 'stop_and_reply';
  readonly reason: ExitReason;
  readonly replies: readonly ReplyAction[];
  readonly data?: D;
}

/** What a state callback returns for an event (`event_handler_result()` in OTP). */
export type StateCallbackResult<S, D> =
  | NextStateResult<S, D>
  | KeepStateResult<D>
  | RepeatStateResult<D>
  | StopMachineResult<D>
  | StopAndReplyResult<D>;

/**
 * What a state enter call returns (`state_enter_result()`): it cannot change state, and only
 * {@link EnterAction}s are allowed (no postpone, no nextEvent) — checked at run time.
 */
export type StateEnterResult<S, D> = StateCallbackResult<S, D>;

/**
 * What init returns: `{ok, State, Data, Actions}` ({@link initOk}), or — with gen_server's
 * constructors, the same shapes — `ignore` (`ignore()`: start returns `{kind: 'ignore'}`) or
 * `{stop, Reason}` (`stopInit(reason)`: start returns `{kind: 'error', reason}`).
 */
export type StatemInitResult<S, D> =
  | { readonly kind: 'ok'; readonly state: S; readonly data: D; readonly actions?: readonly Action[] }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'stop'; readonly reason: ExitReason };

/** A value or a promise of it: every callback may be async (the process is suspended meanwhile). */
export type MaybePromise<T> = T | PromiseLike<T>;

type Result<T> = MaybePromise<StateCallbackResult<StatemStateOf<T>, StatemDataOf<T>>>;

/** Callbacks shared by both callback modes. */
interface StatemModuleBase<T extends StatemTypes> {
  /** Erlang's `Module:init/1`: the initial state and data, plus actions run on entering it. */
  init(args: StatemArgsOf<T>, self: ProcessContext): MaybePromise<StatemInitResult<StatemStateOf<T>, StatemDataOf<T>>>;
  /** Calls the state callback with `'enter'` on every state change and for the initial state (`state_enter`). */
  readonly stateEnter?: boolean;
  /**
   * Erlang's `Module:terminate/3`: called before the process exits — after a stop result, a
   * crashing callback, `GenStatem.stop`, or an EXIT from its parent while trapping exits.
   */
  terminate?(reason: ExitReason, state: StatemStateOf<T>, data: StatemDataOf<T>, self: ProcessContext): MaybePromise<unknown>;
}

/**
 * A state function of `'state_functions'` mode (`Module:StateName/3`): called with each event
 * in its state, and with an {@link EnterEvent} when `stateEnter` is on.
 */
export type StateFunction<T extends StatemTypes> = (
  event: StatemEvent<T> | EnterEvent<StatemStateOf<T>>,
  data: StatemDataOf<T>,
  self: ProcessContext,
) => Result<T>;

/** `callback_mode() -> state_functions`: one function per state; states are strings. */
export interface StateFunctionsModule<T extends StatemTypes> extends StatemModuleBase<T> {
  readonly callbackMode: 'state_functions';
  readonly states: { readonly [K in StatemStateOf<T> & string]: StateFunction<T> };
}

/** `callback_mode() -> handle_event_function`: one function for all states; a state is any value. */
export interface HandleEventModule<T extends StatemTypes> extends StatemModuleBase<T> {
  readonly callbackMode: 'handle_event_function';
  /** `Module:handle_event/4`; gets an {@link EnterEvent} for state enter calls. */
  handleEvent(
    event: StatemEvent<T> | EnterEvent<StatemStateOf<T>>,
    state: StatemStateOf<T>,
    data: StatemDataOf<T>,
    self: ProcessContext,
  ): Result<T>;
}

/**
 * A gen_statem callback module (Erlang's `-behaviour(gen_statem)`) in either callback mode.
 * Every callback may be sync or async. Annotate modules with their type
 * (`const Door: GenStatemModule<DoorTypes> = {…}`) so that `start` can type the returned pid.
 */
export type GenStatemModule<T extends StatemTypes> = StateFunctionsModule<T> | HandleEventModule<T>;

// ── result constructors ───────────────────────────────────────────────────────

/** `{ok, State, Data, Actions}` from init. */
export function initOk<S, D>(state: S, data: D, actions: readonly Action[] = []): StatemInitResult<S, D> {
  return { kind: 'ok', state, data, actions };
}

/** `{next_state, State, Data, Actions}`. */
export function nextState<S, D>(state: S, data: D, actions: readonly Action[] = []): NextStateResult<S, D> {
  return { kind: 'next_state', state, data, actions };
}

/** `{keep_state, Data, Actions}`; with no argument, `keep_state_and_data`. */
export function keepState<D>(...args: [] | [data: D, actions?: readonly Action[]]): KeepStateResult<D> {
  if (args.length === 0) return { kind: 'keep_state', actions: [] };
  return { kind: 'keep_state', data: args[0], actions: args[1] ?? [] };
}

/** `{keep_state_and_data, Actions}`. */
export function keepStateAndData<D = never>(actions: readonly Action[] = []): KeepStateResult<D> {
  return { kind: 'keep_state', actions };
}

/** `{repeat_state, Data, Actions}`; with no argument, `repeat_state_and_data`. */
export function repeatState<D>(...args: [] | [data: D, actions?: readonly Action[]]): RepeatStateResult<D> {
  if (args.length === 0) return { kind: 'repeat_state', actions: [] };
  return { kind: 'repeat_state', data: args[0], actions: args[1] ?? [] };
}

/** `{repeat_state_and_data, Actions}`. */
export function repeatStateAndData<D = never>(actions: readonly Action[] = []): RepeatStateResult<D> {
  return { kind: 'repeat_state', actions };
}

/**
 * `{stop, Reason}` / `{stop, Reason, Data}`: terminate(reason, state, data) runs, then the
 * process exits with `reason`; `stopMachine()` is OTP's `stop` (reason `'normal'`).
 */
export function stopMachine<D = never>(...args: [reason?: ExitReason] | [reason: ExitReason, data: D]): StopMachineResult<D> {
  const reason = args[0] ?? 'normal';
  return args.length < 2 ? { kind: 'stop', reason } : { kind: 'stop', reason, data: args[1] as D };
}

/** `{stop_and_reply, Reason, Replies}` / `{stop_and_reply, Reason, Replies, Data}`: the replies go out before terminate. */
export function stopAndReply<D = never>(
  ...args: [reason: ExitReason, replies: readonly ReplyAction[]] | [reason: ExitReason, replies: readonly ReplyAction[], data: D]
): StopAndReplyResult<D> {
  const [reason, replies] = args;
  return args.length < 3 ? { kind: 'stop_and_reply', reason, replies } : { kind: 'stop_and_reply', reason, replies, data: args[2] as D };
}

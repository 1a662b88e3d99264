// gen-statem/loop.ts
// The gen_statem engine: event queue, postponed events, state enter calls and transitions (OTP's loop_* functions).
import { isDeepStrictEqual } from 'node:util';
import { ExitException, type ExitReason, type ProcessContext } from '@troupe/runtime';
import type { From } from '../gen/from.js';
import { andThen, attempt, exitReasonOf, isThenable, settle, type Later, type Outcome } from '../proc/outcome.js';
import { isAction, type Action, type TimeoutAction } from './actions.js';
import type { AnyStatemEvent, GenStatemModule, StateCallbackResult, StopAndReplyResult, StopMachineResult } from './callbacks.js';
import { TimeoutTable, type TimeoutMessage } from './timeouts.js';

// The engine does not know the machine's type parameters; the public API checks them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCallbacks = GenStatemModule<any>;

/** What the engine needs from the process it runs in. */
export interface LoopHost {
  readonly self: ProcessContext;
  /** Sends a call's reply (gen:reply). */
  reply(from: From, value: unknown): void;
}

// What one state transition collects from the callback's result and actions (OTP's
// NextState_NewData, Postpone, NextEventsR, TimeoutsR loop variables).
// The lists stay undefined until an action needs one: most events have no actions.
interface Transition {
  state: unknown;
  data: unknown;
  postpone: boolean;
  nextEvents: AnyStatemEvent[] | undefined;
  timeouts: TimeoutAction[] | undefined;
}

/**
 * States compare by value, as Erlang's `=/=` does: a transition to an equal state is not a
 * state change (no postponed events retried, no state timeout cancelled, no enter call).
 */
export function sameState(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (typeof a === 'object' && typeof b === 'object' && isDeepStrictEqual(a, b));
}

/**
 * One machine's engine. `handle` takes one received event and runs it and everything it
 * queues (inserted events, retried postponed events, zero timeouts) before returning — the
 * machine goes back to its mailbox only when its own queue is empty, as in OTP.
 *
 * Invariant: `#queue` holds events to handle before the next mailbox message, in order;
 * `#postponed` holds postponed events, oldest first, retried only after a state change.
 */
export class StatemLoop {
  readonly #callbacks: AnyCallbacks;
  readonly #host: LoopHost;
  readonly #timeouts: TimeoutTable;
  #state: unknown;
  #data: unknown;
  #queue: AnyStatemEvent[] = [];
  #postponed: AnyStatemEvent[] = [];

  constructor(callbacks: AnyCallbacks, host: LoopHost, state: unknown, data: unknown) {
    this.#callbacks = callbacks;
    this.#host = host;
    this.#state = state;
    this.#data = data;
    const self = host.self;
    this.#timeouts = new TimeoutTable({
      start: (ms, message) => self.sendAfter(ms, self.pid, message),
      cancel: (ref) => self.cancelTimer(ref),
    });
  }

  get state(): unknown {
    return this.#state;
  }

  get data(): unknown {
    return this.#data;
  }

  /** Postponed events, oldest first (for status reports). */
  get postponed(): readonly AnyStatemEvent[] {
    return this.#postponed;
  }

  /** Running timeouts (for status reports). */
  get timeouts(): { type: string; content: unknown }[] {
    return this.#timeouts.list();
  }

  /** Replaces state and data (sys:replace_state); not a state change. */
  replace(state: unknown, data: unknown): void {
    this.#state = state;
    this.#data = data;
  }

  /**
   * Enters the initial state: runs init's actions (postpone is ignored: there is no event),
   * makes the initial state enter call (old state = the state itself), then handles what queued.
   */
  enter(actions: readonly Action[]): Later<void> {
    const transition = this.#newTransition(this.#state, this.#data);
    const step = this.#collect(null, transition, actions, INIT, false, true);
    return andThen(step, () => this.#drain());
  }

  /** Handles a received event, then everything it queued. */
  handle(event: AnyStatemEvent): Later<void> {
    this.#queue.push(event);
    return this.#drain();
  }

  /** The event a timer message stands for, or undefined when it is stale (dropped, as OTP flushes it). */
  timeoutEvent(message: TimeoutMessage): AnyStatemEvent | undefined {
    return this.#timeouts.take(message);
  }

  /**
   * Calls the terminate callback, then ends the process with `reason` (a terminate that
   * throws ends it with that error instead). Never returns normally.
   */
  terminate(reason: ExitReason, state: unknown = this.#state, data: unknown = this.#data): Later<never> {
    const self = this.#host.self;
    // Killed while an async callback ran: the process is gone, there is nothing to clean up.
    if (!self.isAlive(self.pid)) throw new ExitException(reason);
    this.#timeouts.cancelAll();
    const callback = this.#callbacks.terminate;
    if (callback === undefined) return self.exit(reason);
    const outcome = attempt(() => callback.call(this.#callbacks, reason, state, data, self));
    return andThen(outcome, (result) => {
      if (result.ok) return self.exit(reason);
      if (result.error instanceof ExitException) throw result.error;
      return self.exit(exitReasonOf(result.error));
    });
  }

  #drain(): Later<void> {
    const self = this.#host.self;
    for (;;) {
      // An async callback may settle after the process was killed: run no more callbacks then.
      if (!self.isAlive(self.pid)) return;
      const event = this.#queue.shift() ?? this.#timeouts.takeZero();
      if (event === undefined) return;
      // The hot path: no closure is made unless the callback returns a promise.
      const outcome = this.#invoke(event, this.#state, this.#data);
      const step = isThenable(outcome) ? outcome.then((settled) => this.#onEventResult(event, settled)) : this.#onEventResult(event, outcome);
      if (step !== undefined) return andThen(step, () => this.#drain());
    }
  }

  // Built only for an error report: `callbackState` is the state whose callback produced the result.
  #callbackName(callbackState: unknown): string {
    if (callbackState === INIT) return 'init';
    return this.#callbacks.callbackMode === 'state_functions' ? `states.${String(callbackState)}` : 'handleEvent';
  }

  // Calls the state callback with an event, or with {type: 'enter', oldState} for a state enter call.
  #invoke(event: AnyStatemEvent | { type: 'enter'; oldState: unknown }, state: unknown, data: unknown): Later<Outcome> {
    const callbacks = this.#callbacks;
    const self = this.#host.self;
    let value: unknown;
    try {
      if (callbacks.callbackMode === 'handle_event_function') {
        value = callbacks.handleEvent(event, state, data, self);
      } else {
        const states = callbacks.states as Record<string, unknown>;
        const fn = typeof state === 'string' && Object.hasOwn(states, state) ? states[state] : undefined;
        if (typeof fn !== 'function') throw new TypeError(`gen_statem: no state function for state ${String(state)} in states`);
        value = fn.call(states, event, data, self);
      }
    } catch (error) {
      return { ok: false, error };
    }
    return settle(value);
  }

  #newTransition(state: unknown, data: unknown): Transition {
    return { state, data, postpone: false, nextEvents: undefined, timeouts: undefined };
  }

  // The callback handled `event`: stop, or collect the transition (returns undefined when
  // done synchronously, so the drain loop stays a loop).
  #onEventResult(event: AnyStatemEvent, outcome: Outcome): Later<void> {
    if (!outcome.ok) return this.terminate(exitReasonOf(outcome.error));
    const result = outcome.value;
    const callbackState = this.#state;
    if (!isResult(result)) return this.terminate({ kind: 'bad_return_value', callback: this.#callbackName(callbackState), value: result });
    if (result.kind === 'stop' || result.kind === 'stop_and_reply') return this.#stop(result, callbackState, this.#state, this.#data);
    const transition = this.#newTransition(this.#state, this.#data);
    let callEnter = result.kind === 'repeat_state';
    if (result.kind === 'next_state') {
      transition.state = result.state;
      callEnter = !sameState(result.state, this.#state);
    }
    if (result.kind === 'next_state' || 'data' in result) transition.data = result.data;
    return this.#collect(event, transition, result.actions, callbackState, false, callEnter);
  }

  // stop / stop_and_reply: send the replies, then terminate.
  #stop(result: StopMachineResult<unknown> | StopAndReplyResult<unknown>, callbackState: unknown, state: unknown, data: unknown): Later<never> {
    const finalData = 'data' in result ? result.data : data;
    if (result.kind === 'stop_and_reply') {
      const name = this.#callbackName(callbackState);
      if (!Array.isArray(result.replies)) return this.terminate({ kind: 'bad_return_value', callback: name, value: result }, state, finalData);
      for (const action of result.replies as unknown[]) {
        if (!isAction(action) || action.kind !== 'reply') return this.terminate({ kind: 'bad_action', callback: name, action }, state, finalData);
        this.#host.reply(action.from, action.reply);
      }
    }
    return this.terminate(result.reason, state, finalData);
  }

  // Runs the actions in order (replies go out now; the others set transition options),
  // then the state enter call if due, then the transition itself.
  #collect(
    event: AnyStatemEvent | null,
    transition: Transition,
    actions: unknown,
    callbackState: unknown,
    enterCall: boolean,
    callEnter: boolean,
  ): Later<void> {
    // `{keep_state, Data}` has no actions: an absent list is an empty one.
    if (actions !== undefined) {
      const { state, data } = transition;
      if (!Array.isArray(actions)) {
        return this.terminate({ kind: 'bad_return_value', callback: this.#callbackName(callbackState), value: actions }, state, data);
      }
      for (const action of actions as unknown[]) {
        if (!isAction(action)) return this.terminate({ kind: 'bad_action', callback: this.#callbackName(callbackState), action }, state, data);
        if (enterCall && (action.kind === 'next_event' || (action.kind === 'postpone' && action.postpone))) {
          return this.terminate({ kind: 'bad_state_enter_action', callback: this.#callbackName(callbackState), action }, state, data);
        }
        switch (action.kind) {
          case 'reply':
            this.#host.reply(action.from, action.reply);
            break;
          case 'postpone':
            transition.postpone = action.postpone;
            break;
          case 'next_event':
            (transition.nextEvents ??= []).push(action.event);
            break;
          case 'hibernate':
            break;
          default:
            (transition.timeouts ??= []).push(action);
        }
      }
    }
    if (callEnter && this.#callbacks.stateEnter === true) return this.#enterCall(event, transition);
    this.#transition(event, transition);
    return undefined;
  }

  // A state enter call: {type: 'enter', oldState} in the new state. It may not change state, and
  // its actions add to the ones already collected; repeat_state makes another enter call.
  #enterCall(event: AnyStatemEvent | null, transition: Transition): Later<void> {
    const outcome = this.#invoke({ type: 'enter', oldState: this.#state }, transition.state, transition.data);
    return andThen(outcome, (result): Later<void> => {
      if (!result.ok) return this.terminate(exitReasonOf(result.error));
      const value = result.value;
      const { state, data } = transition;
      if (!isResult(value)) return this.terminate({ kind: 'bad_return_value', callback: this.#callbackName(state), value }, state, data);
      if (value.kind === 'stop' || value.kind === 'stop_and_reply') return this.#stop(value, state, state, data);
      if (value.kind === 'next_state' && !sameState(value.state, state)) {
        return this.terminate({ kind: 'bad_state_enter_return', callback: this.#callbackName(state), value }, state, data);
      }
      if (value.kind === 'next_state' || 'data' in value) transition.data = value.data;
      return this.#collect(event, transition, value.actions, state, true, value.kind === 'repeat_state');
    });
  }

  #transition(event: AnyStatemEvent | null, transition: Transition): void {
    if (event !== null && transition.postpone) this.#postponed.push(event);
    if (!sameState(transition.state, this.#state)) {
      // A state change: retry the postponed events first, oldest first; the state timeout belongs to the old state.
      if (this.#postponed.length > 0) this.#queue = this.#postponed.concat(this.#queue);
      this.#postponed = [];
      this.#timeouts.cancel('state_timeout');
    }
    // Any event cancels the event timeout (received, inserted, retried or a zero timeout alike).
    this.#timeouts.cancel('timeout');
    this.#state = transition.state;
    this.#data = transition.data;
    if (transition.nextEvents !== undefined) this.#queue.unshift(...transition.nextEvents);
    if (transition.timeouts !== undefined) this.#timeouts.apply(transition.timeouts);
  }
}

function isResult(value: unknown): value is StateCallbackResult<unknown, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const { kind } = value as { kind?: unknown };
  return kind === 'next_state' || kind === 'keep_state' || kind === 'repeat_state' || kind === 'stop' || kind === 'stop_and_reply';
}

// The callback state of init's actions (they come from init, not from a state callback).
const INIT = Symbol('init');


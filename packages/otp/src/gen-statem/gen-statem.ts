// gen-statem/gen-statem.ts
// The gen_statem API (start, startLink, call, cast, reply, stop) and the process that runs a machine.
import { ExitException, isExitMessage, type ExitReason, type HandlerBody, type ProcessContext } from '@troupe/runtime';
import { call, cast, isCallMessage, isCastMessage } from '../gen/call.js';
import { reply } from '../gen/from.js';
import type { ServerPid, ServerRef, TypedServerRef } from '../gen/server-ref.js';
import { stop } from '../gen/stop.js';
import type { Caller, Operation } from '../proc/operation.js';
import { andThen, attempt, forEachInOrder, type Later } from '../proc/outcome.js';
import { failInit, ignoreInit, startBehaviour, type BehaviourStartOptions, type Starter, type StartResult } from '../proc/start.js';
import { isSystemMessage, SystemControl, type SystemHooks } from '../proc/system-messages.js';
import type { GenStatemModule, StatemArgsOf, StatemCallOf, StatemCastOf, StatemReplyOf, StatemTypes } from './callbacks.js';
import { StatemLoop } from './loop.js';
import { isTimeoutMessage } from './timeouts.js';

/** Options of `GenStatem.start` and `GenStatem.startLink`. */
export type StatemStartOptions = BehaviourStartOptions;

/** The pid type `start` returns for a machine of types `T`: typed for call and cast. */
export type StatemPidOf<T extends StatemTypes> = ServerPid<StatemCallOf<T>, StatemCastOf<T>, StatemReplyOf<T>>;

/** The trailing arguments of start: `args` may be left out when the module's init takes none. */
export type StatemStartArgs<T extends StatemTypes> = undefined extends StatemArgsOf<T>
  ? [args?: StatemArgsOf<T>, options?: StatemStartOptions]
  : [args: StatemArgsOf<T>, options?: StatemStartOptions];

/**
 * One gen_statem process: init through the start protocol, then each message becomes an
 * event for the engine — `$gen_call` → 'call', `$gen_cast` → 'cast', its own timer messages →
 * timeout events, system messages answered here, anything else → 'info'.
 */
class StatemProcess implements HandlerBody<ProcessContext> {
  readonly #module: GenStatemModule<StatemTypes>;
  readonly #args: unknown;
  readonly #starter: Starter;
  readonly #system = new SystemControl();
  #loop: StatemLoop | undefined = undefined;

  constructor(module: GenStatemModule<StatemTypes>, args: unknown, starter: Starter) {
    this.#module = module;
    this.#args = args;
    this.#starter = starter;
  }

  init(self: ProcessContext): Later<void> {
    return andThen(
      attempt(() => this.#module.init(this.#args as never, self)),
      (outcome): Later<void> => {
        if (!outcome.ok) return failInit(this.#starter, self, outcome.error);
        const result = outcome.value as { kind?: unknown; state?: unknown; data?: unknown; actions?: unknown; reason?: unknown } | null;
        if (typeof result !== 'object' || result === null) return this.#badInit(self, result);
        if (result.kind === 'ignore') return ignoreInit(this.#starter, self);
        if (result.kind === 'stop') return failInit(this.#starter, self, new ExitException(result.reason as ExitReason));
        if (result.kind !== 'ok' || !('state' in result) || !('data' in result)) return this.#badInit(self, result);
        const loop = new StatemLoop(this.#module, { self, reply: (from, value) => reply(self, from, value) }, result.state, result.data);
        this.#loop = loop;
        this.#starter.initAck(self, { kind: 'ok' });
        // Actions and the initial enter call run after the ack, as in OTP (enter/8 after init_ack).
        return loop.enter((result.actions ?? []) as never);
      },
    );
  }

  // A failed init is not followed by terminate (OTP's init_it).
  #badInit(self: ProcessContext, value: unknown): never {
    return failInit(this.#starter, self, new ExitException({ kind: 'bad_return_value', callback: 'init', value }));
  }

  handle(message: unknown, self: ProcessContext): Later<void> {
    if (isSystemMessage(message)) {
      const answer = this.#system.handle(self, message, this.#hooks(), (from, value) => reply(self, from, value));
      // After a resume: what was held back while suspended is handled first, in order.
      return andThen(answer, () => forEachInOrder(this.#system.takeDeferred(), (deferred) => this.#dispatch(deferred)));
    }
    // The parent's EXIT ends the machine even while it is suspended (sys's suspend loop does the same).
    const parent = this.#starter.parent;
    if (parent !== undefined && isExitMessage(message) && message.from.equals(parent)) return this.#loop!.terminate(message.reason);
    if (this.#system.suspended) {
      this.#system.defer(message);
      return;
    }
    return this.#dispatch(message);
  }

  #dispatch(message: unknown): Later<void> {
    const loop = this.#loop!;
    if (isCallMessage(message)) return loop.handle({ type: 'call', content: message.request, from: message.from });
    if (isCastMessage(message)) return loop.handle({ type: 'cast', content: message.request });
    if (isTimeoutMessage(message)) {
      const event = loop.timeoutEvent(message);
      return event === undefined ? undefined : loop.handle(event);
    }
    return loop.handle({ type: 'info', content: message });
  }

  #hooks(): SystemHooks {
    const loop = this.#loop!;
    return {
      // OTP's system_get_state: {State, Data}.
      getState: () => ({ state: loop.state, data: loop.data }),
      setState: (value) => {
        if (typeof value !== 'object' || value === null || !('state' in value) || !('data' in value)) {
          throw new TypeError(`gen_statem: sys.replaceState must return { state, data }, got ${String(value)}`);
        }
        loop.replace(value.state, value.data);
      },
      status: () => ({
        behaviour: 'gen_statem',
        parent: this.#starter.parent,
        state: { state: loop.state, data: loop.data },
        postponed: loop.postponed,
        timeouts: loop.timeouts,
      }),
      terminate: (reason) => loop.terminate(reason) as Later<void>,
    };
  }
}

function checkModule(module: unknown): asserts module is GenStatemModule<StatemTypes> {
  const m = module as Partial<Record<string, unknown>> | null;
  if (typeof m !== 'object' || m === null || typeof m.init !== 'function') {
    throw new TypeError('GenStatem.start: module must be a callback module object with an init function');
  }
  if (m.callbackMode === 'state_functions') {
    if (typeof m.states !== 'object' || m.states === null) throw new TypeError("GenStatem.start: a 'state_functions' module needs a states object");
    for (const [name, fn] of Object.entries(m.states)) {
      if (typeof fn !== 'function') throw new TypeError(`GenStatem.start: module.states.${name} must be a function, got ${typeof fn}`);
    }
  } else if (m.callbackMode === 'handle_event_function') {
    if (typeof m.handleEvent !== 'function') throw new TypeError("GenStatem.start: a 'handle_event_function' module needs handleEvent");
  } else {
    throw new TypeError(`GenStatem.start: callbackMode must be 'state_functions' or 'handle_event_function', got ${String(m.callbackMode)}`);
  }
  if (m.terminate !== undefined && typeof m.terminate !== 'function') throw new TypeError('GenStatem.start: module.terminate must be a function');
}

function startMachine<C extends Caller, T extends StatemTypes>(
  caller: C,
  module: GenStatemModule<T>,
  link: boolean,
  [args, options]: [unknown?, StatemStartOptions?],
): Operation<C, StartResult<StatemPidOf<T>>> {
  checkModule(module);
  const body = (starter: Starter) => new StatemProcess(module as GenStatemModule<StatemTypes>, args, starter);
  return startBehaviour(link ? 'GenStatem.startLink' : 'GenStatem.start', caller, body, link, options) as Operation<C, StartResult<StatemPidOf<T>>>;
}

/**
 * The gen_statem API (Erlang's `gen_statem` module). Every function takes the caller first:
 * a process's `self` (yield* or await the result) or a Runtime (a Promise). Calls and casts
 * use the same protocol as gen_server, so `GenStatem.call` and `GenServer.call` are one function.
 */
export const GenStatem = {
  /**
   * Starts a state machine running `module`, not linked (`gen_statem:start/3,4`), and returns
   * once its init has run: `{kind: 'ok', pid}` (a typed pid), `{kind: 'ignore'}` or
   * `{kind: 'error', reason}`. init's actions and the initial state enter call run after that.
   */
  start<C extends Caller, T extends StatemTypes>(
    caller: C,
    module: GenStatemModule<T>,
    ...rest: StatemStartArgs<T>
  ): Operation<C, StartResult<StatemPidOf<T>>> {
    return startMachine(caller, module, false, rest);
  },

  /** Starts a state machine linked to the calling process (`gen_statem:start_link/3,4`), as supervisors do. */
  startLink<C extends Caller, T extends StatemTypes>(
    caller: C,
    module: GenStatemModule<T>,
    ...rest: StatemStartArgs<T>
  ): Operation<C, StartResult<StatemPidOf<T>>> {
    return startMachine(caller, module, true, rest);
  },

  /** `gen_statem:call/3`: the machine gets a `'call'` event; default timeout 5000 ms. */
  call,
  /** `gen_statem:cast/2`: the machine gets a `'cast'` event. */
  cast,
  /** `gen_statem:reply/2`: answers a call now, from anywhere (the `replyAction` action does it at transition time). */
  reply,
  /** `gen_statem:stop/3`: terminate with `reason` (default 'normal') and wait. */
  stop,

  /** Types a reference to a machine of types `T` (a registered name, say): `GenStatem.ref<DoorTypes>('door')`. */
  ref<T extends StatemTypes>(server: ServerRef): TypedServerRef<StatemCallOf<T>, StatemCastOf<T>, StatemReplyOf<T>> {
    return server as TypedServerRef<StatemCallOf<T>, StatemCastOf<T>, StatemReplyOf<T>>;
  },
};

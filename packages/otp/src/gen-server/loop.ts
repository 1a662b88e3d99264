// The gen_server engine, driven message by message by the scheduler (a HandlerBody):
// dispatch → call the callback → check its result → reply, continue, or terminate.
import {
  ExitException,
  isExitMessage,
  type ExitReason,
  type HandlerBody,
  type Pid,
  type ProcessContext,
  type Ref,
} from '@troupe/runtime';
import { isCallMessage, isCastMessage } from '../gen/call.js';
import { reply, type From } from '../gen/from.js';
import { andThen, attempt, exitReasonOf, forEachInOrder, isThenable, type Later } from '../proc/outcome.js';
import { failInit, ignoreInit, type Starter } from '../proc/start.js';
import { isSystemMessage, SystemControl, type SystemHooks } from '../proc/system-messages.js';
import type { GenServer, Next, ServerTypes } from './callbacks.js';
import { checkResult, type CallbackName, type CheckedResult } from './results.js';

// The loop does not know the module's type parameters; the public API checks them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = GenServer<any>;

/** The idle-timeout message a server sends itself; a stale one is recognised by identity. */
class IdleTimeout {}

/**
 * One server process. Invariant: `#state` is the state the last valid result returned;
 * `#idle` is the idle timeout in force (its timer is unset while a system message or a
 * suspension holds it, and re-armed with the full time afterwards, as OTP's loop does).
 */
export class ServerLoop implements HandlerBody<ProcessContext> {
  readonly #module: AnyModule;
  readonly #args: unknown;
  readonly #starter: Starter;
  readonly #behaviour: string;
  readonly #system = new SystemControl();
  #state: unknown = undefined;
  #idle: { readonly ms: number; timer: Ref | undefined; token: IdleTimeout } | undefined = undefined;
  #hooks: SystemHooks | undefined = undefined;

  constructor(module: GenServer<ServerTypes>, args: unknown, starter: Starter, behaviour = 'gen_server') {
    this.#module = module as AnyModule;
    this.#args = args;
    this.#starter = starter;
    this.#behaviour = behaviour;
  }

  get #parent(): Pid | undefined {
    return this.#starter.parent;
  }

  // ── init ───────────────────────────────────────────────────────────────────

  init(self: ProcessContext): Later<void> {
    const module = this.#module;
    return andThen(
      attempt(() => module.init(this.#args, self)),
      // A failed init is not followed by terminate (OTP's init_it).
      (outcome) => (outcome.ok ? this.#afterInit(self, outcome.value) : failInit(this.#starter, self, outcome.error)),
    );
  }

  #afterInit(self: ProcessContext, value: unknown): Later<void> {
    const result = checkResult('init', value);
    if (result.kind === 'bad_return_value') return failInit(this.#starter, self, new ExitException(result));
    if (result.kind === 'ignore') return ignoreInit(this.#starter, self);
    if (result.kind === 'stop') return failInit(this.#starter, self, new ExitException(result.reason as ExitReason));
    this.#state = result.state;
    this.#starter.initAck(self, { kind: 'ok' });
    return this.#next(self, result.next);
  }

  // ── messages ───────────────────────────────────────────────────────────────

  handle(message: unknown, self: ProcessContext): Later<void> {
    // The hot path: a call or cast while running with no idle timeout in force. Neither can
    // be a system message, the parent's EXIT or an idle timeout, so the checks below are moot.
    if (this.#idle === undefined && !this.#system.suspended) {
      if (isCastMessage(message)) return this.#handleCast(self, message.request);
      if (isCallMessage(message)) return this.#handleCall(self, message.request, message.from);
    }
    if (message instanceof IdleTimeout) {
      if (this.#idle?.token !== message) return;
      this.#idle = undefined;
      return this.#invoke(self, 'handleInfo', message, undefined);
    }
    if (isSystemMessage(message)) {
      this.#holdIdle(self);
      const hooks = (this.#hooks ??= this.#systemHooks(self));
      return andThen(
        this.#system.handle(self, message, hooks, (from, value) => reply(self, from, value)),
        () => this.#afterSystem(self),
      );
    }
    // The parent's EXIT ends the server even while it is suspended (sys's suspend loop does the same).
    const parent = this.#parent;
    if (parent !== undefined && isExitMessage(message) && message.from.equals(parent)) {
      this.#clearIdle(self);
      return this.#terminate(self, message.reason, undefined);
    }
    if (this.#system.suspended) {
      this.#system.defer(message);
      return;
    }
    this.#clearIdle(self);
    return this.#dispatch(self, message);
  }

  #dispatch(self: ProcessContext, message: unknown): Later<void> {
    if (isCallMessage(message)) return this.#invoke(self, 'handleCall', message.request, message.from);
    if (isCastMessage(message)) return this.#invoke(self, 'handleCast', message.request, undefined);
    return this.#invoke(self, 'handleInfo', message, undefined);
  }

  // #invoke for a cast, without its generic steps (a keyed callback lookup, the idle-timeout
  // and handleInfo checks): this runs once per queued cast.
  #handleCast(self: ProcessContext, request: unknown): Later<void> {
    const module = this.#module;
    let value: unknown;
    try {
      value = required(module.handleCast, 'handleCast').call(module, request, this.#state, self);
    } catch (error) {
      return this.#crashed(self, error);
    }
    return this.#settled(self, 'handleCast', value, undefined);
  }

  // #invoke for a call, likewise.
  #handleCall(self: ProcessContext, request: unknown, from: From): Later<void> {
    const module = this.#module;
    let value: unknown;
    try {
      value = required(module.handleCall, 'handleCall').call(module, request, from, this.#state, self);
    } catch (error) {
      return this.#crashed(self, error);
    }
    return this.#settled(self, 'handleCall', value, from);
  }

  /** Calls one callback (`argument` is the request, message or continue argument) and applies its result. */
  #invoke(self: ProcessContext, callback: Exclude<CallbackName, 'init'>, argument: unknown, from: From | undefined): Later<void> {
    const module = this.#module;
    const state = this.#state;
    if (argument instanceof IdleTimeout) argument = 'timeout';
    if (callback === 'handleInfo' && module.handleInfo === undefined) {
      self.logger.warn(`${this.#behaviour} ${self.pid}: undefined handleInfo, unhandled message dropped`, {
        pid: self.pid,
        message: argument,
      });
      return;
    }
    let value: unknown;
    try {
      const fn = required(module[callback], callback);
      value =
        callback === 'handleCall'
          ? (fn as NonNullable<AnyModule['handleCall']>).call(module, argument, from!, state, self)
          : (fn as NonNullable<AnyModule['handleCast']>).call(module, argument, state, self);
    } catch (error) {
      return this.#crashed(self, error);
    }
    return this.#settled(self, callback, value, from);
  }

  /** Applies what a callback returned: now, or once the promise it returned settles. No closure unless it is one. */
  #settled(self: ProcessContext, callback: Exclude<CallbackName, 'init'>, value: unknown, from: From | undefined): Later<void> {
    if (!isThenable(value)) return this.#apply(self, callback, value, from);
    return Promise.resolve(value).then(
      (resolved) => this.#apply(self, callback, resolved, from),
      (error: unknown) => this.#crashed(self, error),
    );
  }

  #apply(self: ProcessContext, callback: CallbackName, value: unknown, from: From | undefined): Later<void> {
    const result: CheckedResult | { kind: 'bad_return_value' } = checkResult(callback, value);
    if (result.kind === 'bad_return_value') return this.#terminate(self, result as ExitReason, undefined);
    this.#state = result.state;
    if (result.kind === 'stop') {
      const sendReply = 'reply' in result ? () => reply(self, from!, result.reply) : undefined;
      return this.#terminate(self, result.reason as ExitReason, sendReply);
    }
    if (result.kind === 'reply') reply(self, from!, result.reply);
    return this.#next(self, result.next);
  }

  #next(self: ProcessContext, next: Next | undefined): Later<void> {
    if (next === undefined || next.kind === 'hibernate') return;
    if (next.kind === 'continue') return this.#invoke(self, 'handleContinue', next.arg, undefined);
    this.#idle = { ms: next.ms, timer: undefined, token: new IdleTimeout() };
    this.#armIdle(self);
  }

  // ── idle timeout ───────────────────────────────────────────────────────────

  #armIdle(self: ProcessContext): void {
    const idle = this.#idle!;
    if (idle.ms === Infinity) return;
    idle.token = new IdleTimeout();
    idle.timer = self.sendAfter(idle.ms, self.pid, idle.token);
  }

  #holdIdle(self: ProcessContext): void {
    const idle = this.#idle;
    if (idle?.timer === undefined) return;
    self.cancelTimer(idle.timer);
    idle.timer = undefined;
    // A token the timer queued before it was cancelled must not count any more.
    idle.token = new IdleTimeout();
  }

  #clearIdle(self: ProcessContext): void {
    this.#holdIdle(self);
    this.#idle = undefined;
  }

  // ── system messages ────────────────────────────────────────────────────────

  #afterSystem(self: ProcessContext): Later<void> {
    if (this.#system.suspended) return;
    const deferred = this.#system.takeDeferred();
    if (deferred.length > 0) {
      this.#clearIdle(self);
      return forEachInOrder(deferred, (message) => this.#dispatch(self, message));
    }
    if (this.#idle !== undefined && this.#idle.timer === undefined) this.#armIdle(self);
  }

  #systemHooks(self: ProcessContext): SystemHooks {
    return {
      getState: () => this.#state,
      setState: (state) => {
        this.#state = state;
      },
      status: () => ({ behaviour: this.#behaviour, parent: this.#parent, state: this.#state }),
      terminate: (reason) => this.#terminate(self, reason, undefined),
    };
  }

  // ── ending ─────────────────────────────────────────────────────────────────

  #crashed(self: ProcessContext, error: unknown): Later<void> {
    // Killed while an async callback ran: nothing is left to clean up.
    if (!self.isAlive(self.pid)) throw error;
    return this.#terminate(self, exitReasonOf(error), undefined);
  }

  /** Runs terminate, then `afterwards` (a stop result's reply) even if terminate failed, then exits. */
  #terminate(self: ProcessContext, reason: ExitReason, afterwards: (() => void) | undefined): never | Promise<never> {
    const module = this.#module;
    const finish = (failure: unknown): never => {
      afterwards?.();
      if (failure === undefined) throw new ExitException(reason);
      throw failure instanceof ExitException ? failure : new ExitException(exitReasonOf(failure));
    };
    if (module.terminate === undefined) return finish(undefined);
    let result: void | PromiseLike<void>;
    try {
      result = module.terminate(reason, this.#state, self);
    } catch (error) {
      return finish(error);
    }
    if (!isThenable(result)) return finish(undefined);
    return Promise.resolve(result).then(
      () => finish(undefined),
      (error: unknown) => finish(error ?? new Error('terminate rejected')),
    );
  }
}

function required<F>(callback: F | undefined, name: string): F {
  if (callback === undefined) throw new TypeError(`the callback module has no ${name}`);
  return callback;
}

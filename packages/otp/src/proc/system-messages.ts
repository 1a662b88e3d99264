// System messages (sys): the requests every behaviour answers besides its own —
// get_state, replace_state, get_status, suspend, resume, terminate.
import { errorReason, ExitException, type ExitReason, type Pid, type ProcessContext, type Ref } from '@troupe/runtime';

/**
 * A system request (the `Msg` of Erlang's `{system, From, Msg}`). `terminate` is what
 * `GenServer.stop` sends (`sys:terminate/2`): the behaviour runs its terminate callback
 * and exits with `reason`, without replying.
 */
export type SystemRequest =
  | 'get_state'
  | 'get_status'
  | 'suspend'
  | 'resume'
  | { readonly kind: 'replace_state'; readonly fn: (state: unknown) => unknown }
  | { readonly kind: 'terminate'; readonly reason: ExitReason };

/** `{system, From, Request}`; `from` has the shape of gen's `From` (pid and reply tag). */
export interface SystemMessage {
  readonly kind: '$system';
  readonly from: { readonly pid: Pid; readonly tag: Ref };
  readonly request: SystemRequest;
}

/** The reply to a system request whose callback threw (the server carries on unchanged). */
export interface SystemFailure {
  readonly kind: '$system_error';
  readonly reason: ExitReason;
}

/** What `sys.getStatus` answers (Erlang's `{status, Pid, {module, Mod}, [...]}`, as named fields). */
export interface SystemStatus {
  readonly pid: Pid;
  /** `'gen_server'`, `'supervisor'`, `'gen_statem'`… */
  readonly behaviour: string;
  readonly status: 'running' | 'suspended';
  readonly parent: Pid | undefined;
  readonly state: unknown;
  /** Behaviour-specific extras (a gen_statem's current state name, …). */
  readonly [field: string]: unknown;
}

/** Type guard for system messages. */
export function isSystemMessage(message: unknown): message is SystemMessage {
  return typeof message === 'object' && message !== null && (message as SystemMessage).kind === '$system';
}

/** What a behaviour lets the system layer see and do. */
export interface SystemHooks {
  /** The callback state (for a gen_statem, whatever it chooses to expose, e.g. `{state, data}`). */
  getState(): unknown;
  setState(state: unknown): void;
  /** `behaviour`, `parent`, `state` and any extras for get_status. */
  status(): Omit<SystemStatus, 'pid' | 'status'>;
  /** Runs the terminate callback with `reason`, then exits with it (never returns normally). */
  terminate(reason: ExitReason): void | PromiseLike<void>;
}

/**
 * The system side of one behaviour process: answers system messages and, while
 * suspended, holds back every other message (in order) for the behaviour to handle on
 * resume. `reply` is gen's reply, passed in because gen sits above this layer.
 */
export class SystemControl {
  #suspended = false;
  #deferred: unknown[] = [];

  /** Whether `sys.suspend` is in force. */
  get suspended(): boolean {
    return this.#suspended;
  }

  /** Holds `message` back until resume. */
  defer(message: unknown): void {
    this.#deferred.push(message);
  }

  /** After a resume: the messages held back, oldest first; empties the queue. */
  takeDeferred(): unknown[] {
    if (this.#suspended || this.#deferred.length === 0) return [];
    const deferred = this.#deferred;
    this.#deferred = [];
    return deferred;
  }

  /** Answers `message` (replies through `reply`); `terminate` may return a promise. */
  handle(
    self: ProcessContext,
    message: SystemMessage,
    hooks: SystemHooks,
    reply: (from: SystemMessage['from'], value: unknown) => void,
  ): void | PromiseLike<void> {
    const { from, request } = message;
    if (request === 'get_state') return reply(from, hooks.getState());
    if (request === 'get_status') {
      return reply(from, { pid: self.pid, status: this.#suspended ? 'suspended' : 'running', ...hooks.status() });
    }
    if (request === 'suspend') {
      this.#suspended = true;
      return reply(from, 'ok');
    }
    if (request === 'resume') {
      this.#suspended = false;
      return reply(from, 'ok');
    }
    if (typeof request === 'object' && request !== null && request.kind === 'replace_state') {
      let next: unknown;
      try {
        next = request.fn(hooks.getState());
      } catch (error) {
        const reason = error instanceof ExitException ? error.reason : errorReason(error);
        return reply(from, { kind: '$system_error', reason } satisfies SystemFailure);
      }
      hooks.setState(next);
      return reply(from, next);
    }
    if (typeof request === 'object' && request !== null && request.kind === 'terminate') return hooks.terminate(request.reason);
    return reply(from, { kind: '$system_error', reason: { kind: 'unknown_system_msg', request } } satisfies SystemFailure);
  }
}

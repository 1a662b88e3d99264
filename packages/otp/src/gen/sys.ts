// sys: the client side of system messages — inspect, patch, pause and resume any behaviour.
import type { ProcessContext } from '@troupe/runtime';
import { SystemCallbackError } from '../errors.js';
import { perform, type Caller, type Operation, type Steps } from '../proc/operation.js';
import type { SystemFailure, SystemRequest, SystemStatus } from '../proc/system-messages.js';
import { checkTimeout, DEFAULT_CALL_TIMEOUT_MS } from './call.js';
import { requestSteps } from './request.js';
import { checkServerRef, type ServerRef } from './server-ref.js';

function system<C extends Caller, T>(caller: C, fn: string, server: ServerRef, request: SystemRequest, timeoutMs: number): Operation<C, T> {
  checkServerRef(fn, server);
  checkTimeout(fn, timeoutMs);
  return perform(caller, (self) => systemSteps(self, server, request, timeoutMs)) as Operation<C, T>;
}

function* systemSteps(self: ProcessContext, server: ServerRef, request: SystemRequest, timeoutMs: number): Steps<unknown> {
  const answer = yield* requestSteps(self, server, (from) => ({ kind: '$system', from, request }), timeoutMs);
  if (typeof answer === 'object' && answer !== null && (answer as SystemFailure).kind === '$system_error') {
    throw new SystemCallbackError(server, (answer as SystemFailure).reason);
  }
  return answer;
}

/**
 * System requests every behaviour answers (Erlang's `sys` module). Each returns what a
 * call does: a Receive from a process (yield* or await), a Promise from a Runtime; each
 * fails like a call (CallTimeoutError, CallExitError).
 */
export const sys = {
  /** The callback state (`sys:get_state/2`). */
  getState<C extends Caller, S = unknown>(caller: C, server: ServerRef, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Operation<C, S> {
    return system(caller, 'sys.getState', server, 'get_state', timeoutMs);
  },
  /** Pid, behaviour, running/suspended, parent and state (`sys:get_status/2`). */
  getStatus<C extends Caller>(caller: C, server: ServerRef, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Operation<C, SystemStatus> {
    return system(caller, 'sys.getStatus', server, 'get_status', timeoutMs);
  },
  /**
   * Replaces the state with `fn(state)` and returns the new one (`sys:replace_state/3`).
   * If `fn` throws, the state is unchanged and this throws {@link SystemCallbackError}.
   */
  replaceState<C extends Caller, S = unknown>(
    caller: C,
    server: ServerRef,
    fn: (state: S) => S,
    timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  ): Operation<C, S> {
    if (typeof fn !== 'function') throw new TypeError(`sys.replaceState: fn must be a function, got ${typeof fn}`);
    return system(caller, 'sys.replaceState', server, { kind: 'replace_state', fn: fn as (state: unknown) => unknown }, timeoutMs);
  },
  /** Suspends the behaviour: it answers only system messages until resumed (`sys:suspend/2`). */
  suspend<C extends Caller>(caller: C, server: ServerRef, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Operation<C, 'ok'> {
    return system(caller, 'sys.suspend', server, 'suspend', timeoutMs);
  },
  /** Resumes a suspended behaviour; what it held back is handled first, in order (`sys:resume/2`). */
  resume<C extends Caller>(caller: C, server: ServerRef, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Operation<C, 'ok'> {
    return system(caller, 'sys.resume', server, 'resume', timeoutMs);
  },
};

// Stopping a behaviour (proc_lib:stop/3): ask it to terminate through a system message and
// wait for it to be gone.
import { BadArgError, isDownMessage, isPid, isRef, TIMEOUT, type ExitReason, type ProcessContext } from '@troupe/runtime';
import { CallExitError, CallTimeoutError } from '../errors.js';
import { perform, wait, type Caller, type Operation, type Steps } from '../proc/operation.js';
import type { SystemMessage } from '../proc/system-messages.js';
import { checkTimeout } from './call.js';
import { checkServerRef, isSelf, type ServerRef } from './server-ref.js';

/**
 * Orders `server` to terminate with `reason` (default `'normal'`) and waits until it has
 * (Erlang's `gen_server:stop/3`): its terminate callback runs first. Throws
 * {@link CallExitError} if it does not exist (`'noproc'`) or ended with another reason,
 * {@link CallTimeoutError} after `timeoutMs` (default `Infinity`).
 */
export function stop<C extends Caller>(
  caller: C,
  server: ServerRef,
  reason: ExitReason = 'normal',
  timeoutMs: number = Infinity,
): Operation<C, void> {
  checkServerRef('stop', server);
  checkTimeout('stop', timeoutMs);
  return perform(caller, (self) => stopSteps(self, server, reason, timeoutMs));
}

function* stopSteps(self: ProcessContext, server: ServerRef, reason: ExitReason, timeoutMs: number): Steps<void> {
  if (isSelf(self, server)) throw new CallExitError(server, 'calling_self');
  const ref = self.monitor(server);
  const message: SystemMessage = { kind: '$system', from: { pid: self.pid, tag: ref }, request: { kind: 'terminate', reason } };
  try {
    self.send(server, message);
  } catch (error) {
    if (!(error instanceof BadArgError)) throw error;
  }
  const down = yield wait(ref, (m) => isDownMessage(m, ref), timeoutMs);
  if (down === TIMEOUT) {
    self.demonitor(ref, { flush: true });
    throw new CallTimeoutError(server, timeoutMs);
  }
  const exited = (down as { reason: ExitReason }).reason;
  if (!sameTerm(exited, reason)) throw new CallExitError(server, exited);
}

/** Structural equality of exit reasons (Erlang compares terms, not references). */
function sameTerm(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isPid(a) || isRef(a)) return a.equals(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => sameTerm((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

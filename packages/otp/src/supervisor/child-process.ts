// Starting and stopping children from inside a supervisor: OTP's do_start_child and
// shutdown/2 (monitor, exit shutdown, wait up to the timeout, kill), one or many at once.
import {
  errorReason,
  ExitException,
  isDownMessage,
  isExitMessage,
  isExitReason,
  isPid,
  TIMEOUT,
  type ExitReason,
  type Pid,
  type ProcessContext,
  type Ref,
} from '@troupe/runtime';
import { GenServer } from '../gen-server/gen-server.js';
import { runInProcess, wait, type Steps } from '../proc/operation.js';
import type { StartResult } from '../proc/start.js';
import type { NormalizedChildSpec, RestartType, Shutdown } from './child-spec.js';

/**
 * Runs a child's start function in the supervisor (`self`) and returns its result; a
 * throw or a result that is not a StartResult becomes `{kind: 'error', reason}`.
 */
export async function startChildProcess(self: ProcessContext, spec: NormalizedChildSpec, extra: unknown[] = []): Promise<StartResult> {
  let result: unknown;
  try {
    const start = spec.start;
    result = await (typeof start === 'function'
      ? start(self, ...extra)
      : GenServer.startLink(self, start.module, start.args as undefined, start.options));
  } catch (error) {
    return { kind: 'error', reason: error instanceof ExitException ? error.reason : errorReason(error) };
  }
  if (isStartResult(result)) return result;
  return { kind: 'error', reason: { kind: 'bad_return_value', callback: 'start', value: result } };
}

function isStartResult(value: unknown): value is StartResult {
  if (typeof value !== 'object' || value === null) return false;
  const { kind } = value as { kind?: unknown };
  if (kind === 'ok') return isPid((value as { pid?: unknown }).pid);
  if (kind === 'ignore') return true;
  return kind === 'error' && isExitReason((value as { reason?: unknown }).reason);
}

/**
 * Stops child `pid` as its `shutdown` says and waits until it is gone. Returns
 * `undefined` when it ended as asked, or the unexpected reason to report as a
 * shutdown_error (e.g. `'killed'` after its shutdown time ran out).
 */
export function shutdownChild(self: ProcessContext, pid: Pid, shutdown: Shutdown, restart: RestartType): PromiseLike<ExitReason | undefined> {
  return runInProcess(self, shutdownSteps(self, pid, shutdown, restart));
}

function* shutdownSteps(self: ProcessContext, pid: Pid, shutdown: Shutdown, restart: RestartType): Steps<ExitReason | undefined> {
  // A monitor, not the EXIT: a child that unlinked itself must not hang the supervisor.
  const ref = self.monitor(pid);
  self.exit(pid, shutdown === 'brutal_kill' ? 'kill' : 'shutdown');
  const afterMs = typeof shutdown === 'number' ? shutdown : Infinity;
  let down = yield wait(ref, (m) => isDownMessage(m, ref), afterMs);
  if (down === TIMEOUT) {
    self.exit(pid, 'kill');
    down = yield wait(ref, (m) => isDownMessage(m, ref));
  }
  const reason = yield* unlinkFlush(self, pid, (down as { reason: ExitReason }).reason);
  return isExpected(reason, shutdown, restart) ? undefined : reason;
}

/**
 * Stops every pid at once (how a dynamic supervisor shuts down): exit signals to all,
 * one shared timer, then kill what remains. Returns the unexpected reasons by pid.
 */
export function shutdownChildren(
  self: ProcessContext,
  pids: readonly Pid[],
  shutdown: Shutdown,
  restart: RestartType,
): PromiseLike<Map<Pid, ExitReason>> {
  return runInProcess(self, shutdownManySteps(self, pids, shutdown, restart));
}

function* shutdownManySteps(self: ProcessContext, pids: readonly Pid[], shutdown: Shutdown, restart: RestartType): Steps<Map<Pid, ExitReason>> {
  const monitors = new Map<string, { pid: Pid; ref: Ref }>();
  for (const pid of pids) {
    const ref = self.monitor(pid);
    monitors.set(ref.key, { pid, ref });
    self.exit(pid, shutdown === 'brutal_kill' ? 'kill' : 'shutdown');
  }
  const token = { kind: '$shutdown_timeout' };
  const timer = typeof shutdown === 'number' ? self.sendAfter(shutdown, self.pid, token) : undefined;
  const errors = new Map<Pid, ExitReason>();
  while (monitors.size > 0) {
    const message = yield wait(undefined, (m) => m === token || (isDownMessage(m) && monitors.has(m.ref.key)));
    if (message === token) {
      for (const { pid } of monitors.values()) self.exit(pid, 'kill');
      continue;
    }
    const down = message as { ref: Ref; reason: ExitReason };
    const { pid } = monitors.get(down.ref.key)!;
    monitors.delete(down.ref.key);
    const reason = yield* unlinkFlush(self, pid, down.reason);
    if (!isExpected(reason, shutdown, restart)) errors.set(pid, reason);
  }
  // A timer that fired before it was cancelled leaves its message behind: drop it.
  if (timer !== undefined && self.cancelTimer(timer) === false) yield wait(undefined, (m) => m === token, 0);
  return errors;
}

/** OTP's unlink_flush: leave no EXIT from `pid` behind; for a child already gone, its EXIT tells why. */
function* unlinkFlush(self: ProcessContext, pid: Pid, reason: ExitReason): Steps<ExitReason> {
  const isExitFromChild = (m: unknown): boolean => isExitMessage(m) && m.from.equals(pid);
  if (reason === 'noproc') {
    const exit = yield wait(undefined, isExitFromChild, 0);
    return exit === TIMEOUT ? 'child_process_unlinked' : (exit as { reason: ExitReason }).reason;
  }
  self.unlink(pid);
  yield wait(undefined, isExitFromChild, 0);
  return reason;
}

/** Whether a child stopped the way its shutdown asked (OTP's shutdown/2 acceptance rules). */
function isExpected(reason: ExitReason, shutdown: Shutdown, restart: RestartType): boolean {
  if (shutdown === 'brutal_kill' && reason === 'killed') return true;
  if (shutdown !== 'brutal_kill' && reason === 'shutdown') return true;
  if (restart === 'permanent') return false;
  return reason === 'normal' || reason === 'shutdown' || (typeof reason === 'object' && reason.kind === 'shutdown');
}

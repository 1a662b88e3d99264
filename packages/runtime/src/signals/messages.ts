// The messages signals turn into: EXIT for trapped exit signals, DOWN for monitors.
import type { Pid } from '../terms/pid.js';
import type { Ref } from '../terms/ref.js';
import type { ExitReason } from '../terms/exit-reason.js';

/** A registered name on a node: `{Name, Node}` in Erlang. */
export interface RemoteName {
  readonly name: string;
  readonly node: string;
}

/** `{'EXIT', From, Reason}`: an exit signal received by a process that traps exits. */
export interface ExitMessage {
  readonly kind: 'EXIT';
  readonly from: Pid;
  readonly reason: ExitReason;
}

/**
 * `{'DOWN', Ref, process, Target, Reason}`: the monitored process ended. `target` is the
 * pid, or `{name, node}` when the monitor was set up by name.
 */
export interface DownMessage {
  readonly kind: 'DOWN';
  readonly ref: Ref;
  readonly target: Pid | RemoteName;
  readonly reason: ExitReason;
}

/** Type guard for EXIT messages. */
export function isExitMessage(message: unknown): message is ExitMessage {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'EXIT';
}

/** Type guard for DOWN messages; with `ref`, only the DOWN of that monitor. */
export function isDownMessage(message: unknown, ref?: Ref): message is DownMessage {
  if (typeof message !== 'object' || message === null || (message as { kind?: unknown }).kind !== 'DOWN') return false;
  return ref === undefined || ref.equals((message as DownMessage).ref);
}

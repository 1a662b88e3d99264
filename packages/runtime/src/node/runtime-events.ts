// RuntimeEvents: what a runtime announces to tools and tests (eventemitter3).
import type { Pid } from '../terms/pid.js';
import type { ExitReason } from '../terms/exit-reason.js';

export interface RuntimeEvents {
  /** A process was spawned (by `parent`, or from outside any process). */
  spawn: (pid: Pid, parent: Pid | undefined) => void;
  /** A process ended. */
  exit: (pid: Pid, reason: ExitReason) => void;
  /** A slice held the scheduler longer than the runtime's `longScheduleMs`. */
  long_schedule: (slice: { readonly pid: Pid; readonly durationMs: number }) => void;
}

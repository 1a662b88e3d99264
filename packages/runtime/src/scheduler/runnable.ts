// Runnable: what the scheduler runs. It knows nothing of processes.

/** Priorities, as on the BEAM; `max` and `high` are strict, `normal` and `low` interleave. */
export type Priority = 'low' | 'normal' | 'high' | 'max';

export const PRIORITY_INDEX: Readonly<Record<Priority, number>> = { max: 0, high: 1, normal: 2, low: 3 };

export interface Runnable {
  /** Index into the run queues, from {@link PRIORITY_INDEX}. */
  priorityIndex: number;
  /** True while the runnable sits in a run queue; the scheduler keeps it unique there. */
  queued: boolean;
  /** Runs one slice of at most `budget` reductions; returns the reductions spent. */
  run(budget: number): number;
  /** The id and serial the long-schedule monitor reports (a pid's). */
  readonly id: number;
  readonly serial: number;
}

// Clock: where the runtime reads time and arms its one real timer. Injected so tests
// can use a virtual clock and never sleep.

/** An opaque handle returned by {@link Clock.setTimer}. */
export type ClockTimer = unknown;

/**
 * The time source of a runtime. `now()` is monotonic milliseconds. The runtime arms at
 * most one clock timer at a time (for its earliest deadline), so a clock needs no
 * scalable timer structure of its own.
 */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, fire: () => void): ClockTimer;
  cancelTimer(timer: ClockTimer): void;
  /**
   * Optional, for virtual clocks: the runtime registers how to wait until it has no
   * runnable work, so that advancing virtual time can let processes react between two
   * timers. Returns a function that removes the registration.
   */
  attachSettler?(settle: () => Promise<void>): () => void;
}

/** The real clock: `performance.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (delayMs, fire) => setTimeout(fire, Math.max(0, delayMs)),
  cancelTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

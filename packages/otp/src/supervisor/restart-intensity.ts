// Sliding window of restart times: `record()` says whether the supervisor must give up.
import type { Clock } from '@troupe/runtime';

/** `intensity` and `periodMs` as OTP's supervisor flags define them (default: 1 restart in 5 s). */
export const RESTART_INTENSITY_DEFAULTS = { intensity: 1, periodMs: 5000 } as const;

/**
 * Counts restarts with the runtime's clock (OTP's `add_restart/1`): a restart at `now`
 * joins the window; restarts older than `now - periodMs` leave it; when the window holds
 * more than `intensity` restarts, the supervisor must shut down.
 *
 * Invariant: `#times[#first..]` is in ascending order and only holds restarts inside the
 * window as of the last `record()`; the slots before `#first` are spent. Each restart is
 * pushed once and passed over once, so a record is O(1) amortized however many restarts
 * the window holds (OTP walks its whole list on every restart).
 */
export class RestartIntensity {
  readonly intensity: number;
  readonly periodMs: number;
  readonly #clock: Clock;
  #times: number[] = [];
  #first = 0;

  constructor(intensity: number, periodMs: number, clock: Clock) {
    this.intensity = intensity;
    this.periodMs = periodMs;
    this.#clock = clock;
  }

  /** Records one restart now; returns `'exceeded'` when it is one too many for the window. */
  record(): 'ok' | 'exceeded' {
    const now = this.#clock.now();
    const threshold = now - this.periodMs;
    const times = this.#times;
    while (this.#first < times.length && times[this.#first]! < threshold) this.#first++;
    // Drop the spent slots once they are the larger part, so memory follows the window.
    if (this.#first > 1024 && this.#first * 2 > times.length) {
      this.#times = times.slice(this.#first);
      this.#first = 0;
    }
    this.#times.push(now);
    return this.count > this.intensity ? 'exceeded' : 'ok';
  }

  /** Restarts currently inside the window (for status and tests). */
  get count(): number {
    return this.#times.length - this.#first;
  }
}

/** Throws a TypeError naming the field unless `intensity` ≥ 0 and `periodMs` > 0 are integers. */
export function checkIntensity(fn: string, intensity: unknown, periodMs: unknown): void {
  if (typeof intensity !== 'number' || !Number.isInteger(intensity) || intensity < 0) {
    throw new TypeError(`${fn}: intensity must be a non-negative integer, got ${String(intensity)}`);
  }
  if (typeof periodMs !== 'number' || !Number.isInteger(periodMs) || periodMs <= 0) {
    throw new TypeError(`${fn}: periodMs must be a positive integer of milliseconds, got ${String(periodMs)}`);
  }
}

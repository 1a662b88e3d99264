// Sliding window of restart times: `record()` says whether the supervisor must give up.
import type { Clock } from '@troupe/runtime';

/** `intensity` and `periodMs` as OTP's supervisor flags define them (default: 1 restart in 5 s). */
export const RESTART_INTENSITY_DEFAULTS = { intensity: 1, periodMs: 5000 } as const;

/**
 * Counts restarts with the runtime's clock (OTP's `add_restart/1`): a restart at `now`
 * joins the window; restarts older than `now - periodMs` leave it; when the window holds
 * more than `intensity` restarts, the supervisor must shut down.
 *
 * Invariant: `#times` is in ascending order and only holds restarts inside the window as
 * of the last `record()`.
 */
export class RestartIntensity {
  readonly intensity: number;
  readonly periodMs: number;
  readonly #clock: Clock;
  #times: number[] = [];

  constructor(intensity: number, periodMs: number, clock: Clock) {
    this.intensity = intensity;
    this.periodMs = periodMs;
    this.#clock = clock;
  }

  /** Records one restart now; returns `'exceeded'` when it is one too many for the window. */
  record(): 'ok' | 'exceeded' {
    const now = this.#clock.now();
    const threshold = now - this.periodMs;
    let first = 0;
    while (first < this.#times.length && this.#times[first]! < threshold) first++;
    this.#times = this.#times.slice(first);
    this.#times.push(now);
    return this.#times.length > this.intensity ? 'exceeded' : 'ok';
  }

  /** Restarts currently inside the window (for status and tests). */
  get count(): number {
    return this.#times.length;
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

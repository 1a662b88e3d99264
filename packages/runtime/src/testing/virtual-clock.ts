// VirtualClock: a deterministic Clock for tests — time moves only when the test says.
import type { Clock, ClockTimer } from '../scheduler/clock.js';

interface VirtualTimer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
  cancelled: boolean;
}

/**
 * Time stands still until {@link VirtualClock.advance}. Advancing fires due timers in
 * deadline order, with `now()` set to each timer's deadline, and lets every runtime on
 * this clock settle after each one — so a process that reacts to a timeout by starting a
 * new one within the advanced window sees that one fire too, at the right time.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: VirtualTimer[] = [];
  readonly #settlers = new Set<() => Promise<void>>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, fire: () => void): ClockTimer {
    const timer: VirtualTimer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fire, cancelled: false };
    this.#timers.push(timer);
    return timer;
  }

  cancelTimer(timer: ClockTimer): void {
    (timer as VirtualTimer).cancelled = true;
  }

  attachSettler(settle: () => Promise<void>): () => void {
    this.#settlers.add(settle);
    return () => this.#settlers.delete(settle);
  }

  /** Timers armed and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((timer) => !timer.cancelled).length;
  }

  /** Lets every attached runtime run until it has nothing left to do. */
  async settle(): Promise<void> {
    for (const settle of [...this.#settlers]) await settle();
  }

  /** Moves time forward by `ms`, firing what falls due on the way; resolves when all settled. */
  async advance(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !(ms >= 0)) throw new TypeError(`advance: ms must be a non-negative number, got ${String(ms)}`);
    const until = this.#now + ms;
    await this.settle();
    for (;;) {
      const next = this.#nextDue(until);
      if (next === undefined) break;
      this.#now = Math.max(this.#now, next.at);
      next.cancelled = true;
      next.fire();
      await this.settle();
    }
    this.#now = until;
    await this.settle();
  }

  #nextDue(until: number): VirtualTimer | undefined {
    this.#timers = this.#timers.filter((timer) => !timer.cancelled);
    let best: VirtualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > until) continue;
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}

// ManualClock: a Clock whose timers fire only when the test says, and which counts
// them — for unit tests of TimerService.
import type { Clock, ClockTimer } from '@troupe/runtime';

interface ManualTimer {
  readonly at: number;
  readonly fire: () => void;
  live: boolean;
}

export class ManualClock implements Clock {
  nowMs = 0;
  setTimerCalls = 0;
  #timers: ManualTimer[] = [];

  now(): number {
    return this.nowMs;
  }

  setTimer(delayMs: number, fire: () => void): ClockTimer {
    this.setTimerCalls++;
    const timer: ManualTimer = { at: this.nowMs + Math.max(0, delayMs), fire, live: true };
    this.#timers.push(timer);
    return timer;
  }

  cancelTimer(timer: ClockTimer): void {
    (timer as ManualTimer).live = false;
  }

  /** Clock timers armed and neither fired nor cancelled. */
  get armed(): number {
    this.#timers = this.#timers.filter((timer) => timer.live);
    return this.#timers.length;
  }

  /** The deadline of the earliest armed clock timer. */
  get nextDeadline(): number | undefined {
    let best: number | undefined;
    for (const timer of this.#timers) if (timer.live && (best === undefined || timer.at < best)) best = timer.at;
    return best;
  }

  /** Fires the earliest armed clock timer (moving time to its deadline); false if none. */
  fireNext(): boolean {
    const at = this.nextDeadline;
    if (at === undefined) return false;
    const timer = this.#timers.find((t) => t.live && t.at === at)!;
    timer.live = false;
    this.nowMs = Math.max(this.nowMs, at);
    timer.fire();
    return true;
  }

  /** Moves time forward by `ms`, firing every clock timer that falls due on the way. */
  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (;;) {
      const at = this.nextDeadline;
      if (at === undefined || at > until) break;
      this.fireNext();
    }
    this.nowMs = until;
  }
}

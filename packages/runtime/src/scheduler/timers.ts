// TimerService: every runtime timer (receive `after`, sendAfter, behaviour timeouts) in
// one min-heap over the injected Clock, with a single clock timer armed for the earliest
// deadline — a million pending timers cost a million heap entries, not Node timers.

/** A pending timer; opaque to callers, who pass it back to cancel or read it. */
export interface TimerEntry {
  readonly deadline: number;
}

class HeapEntry<A = unknown> implements TimerEntry {
  cancelled = false;
  constructor(
    readonly deadline: number,
    readonly seq: number,
    readonly fire: (arg: A) => void,
    readonly arg: A,
  ) {}
}

// Earlier deadline first; equal deadlines fire in the order they were started.
function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

export class TimerService {
  readonly #clock: import('./clock.js').Clock;
  // Binary min-heap. Cancelled entries stay until they surface or a compaction
  // drops them; #live counts the entries that are not cancelled.
  #heap: HeapEntry[] = [];
  #live = 0;
  #seq = 0;
  #armed: unknown = undefined;
  #armedFor = Infinity;
  #firing = false;

  constructor(clock: import('./clock.js').Clock) {
    this.#clock = clock;
  }

  /** Pending (not cancelled, not fired) timers. */
  get size(): number {
    return this.#live;
  }

  /** Calls `fire(arg)` once `delayMs` have passed on the clock. */
  start<A>(delayMs: number, fire: (arg: A) => void, arg: A): TimerEntry {
    const entry = new HeapEntry<unknown>(this.#clock.now() + delayMs, this.#seq++, fire as (arg: unknown) => void, arg);
    this.#push(entry);
    this.#live++;
    if (!this.#firing && entry.deadline < this.#armedFor) this.#arm();
    return entry;
  }

  /**
   * Cancels `timer`; returns whether it was still pending. (Read {@link remaining} first
   * when the time left matters: internal cancels, one per receive with a timeout, skip
   * the clock read.)
   */
  cancel(timer: TimerEntry): boolean {
    const entry = timer as HeapEntry;
    if (entry.cancelled) return false;
    entry.cancelled = true;
    this.#live--;
    // Lazy deletion keeps cancel O(1); compact once cancelled entries dominate so
    // that a busy receive-with-timeout loop does not grow the heap without bound.
    if (this.#heap.length > 64 && this.#live * 2 < this.#heap.length) this.#compact();
    return true;
  }

  /** Milliseconds left on `timer`, or false if it fired or was cancelled. */
  remaining(timer: TimerEntry): number | false {
    const entry = timer as HeapEntry;
    return entry.cancelled ? false : Math.max(0, entry.deadline - this.#clock.now());
  }

  /** Drops every timer and disarms the clock (runtime shutdown). */
  clear(): void {
    for (const entry of this.#heap) entry.cancelled = true;
    this.#heap = [];
    this.#live = 0;
    this.#disarm();
  }

  #fireDue = (): void => {
    this.#armed = undefined;
    this.#armedFor = Infinity;
    this.#firing = true;
    const now = this.#clock.now();
    // Timers started by a callback during this pass wait for the next pass, even
    // with a zero delay: a callback that restarts itself cannot spin this loop.
    const lastSeq = this.#seq;
    try {
      for (;;) {
        const top = this.#heap[0];
        if (top === undefined || top.deadline > now || top.seq >= lastSeq) break;
        this.#pop();
        if (top.cancelled) continue;
        top.cancelled = true;
        this.#live--;
        top.fire(top.arg);
      }
    } finally {
      this.#firing = false;
      this.#arm();
    }
  };

  #arm(): void {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.#pop();
    const top = this.#heap[0];
    if (top === undefined) {
      this.#disarm();
      return;
    }
    if (top.deadline === this.#armedFor && this.#armed !== undefined) return;
    this.#disarm();
    this.#armedFor = top.deadline;
    this.#armed = this.#clock.setTimer(top.deadline - this.#clock.now(), this.#fireDue);
  }

  #disarm(): void {
    if (this.#armed !== undefined) this.#clock.cancelTimer(this.#armed);
    this.#armed = undefined;
    this.#armedFor = Infinity;
  }

  #compact(): void {
    const kept = this.#heap.filter((entry) => !entry.cancelled);
    kept.sort((a, b) => (before(a, b) ? -1 : 1));
    this.#heap = kept; // a sorted array is a valid heap
  }

  #push(entry: HeapEntry): void {
    const heap = this.#heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

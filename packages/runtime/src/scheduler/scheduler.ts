// Scheduler: runs runnables from four priority queues in budgeted slices and yields to
// Node's event loop after bounded work, so sockets and timers are never starved.
import { RunQueue } from './run-queue.js';
import type { Runnable } from './runnable.js';
import type { SliceWatch } from './long-schedule.js';

/** Work put off until the scheduler's loop hands the thread back (see {@link Scheduler.atLoopEnd}). */
export interface LoopEndTask {
  atLoopEnd(): void;
}

export interface SchedulerOptions {
  /** Reductions a runnable may spend in one slice (the BEAM's 4000). */
  readonly reductionsPerSlice: number;
  /** Reductions the scheduler runs before it yields to the event loop. */
  readonly reductionsPerTurn: number;
  /** Milliseconds of busy work after which the scheduler yields to the event loop. */
  readonly maxBusyMs: number;
  /** Records which runnable holds the thread, for the long-schedule monitor. */
  readonly watch: SliceWatch | undefined;
}

// Low-priority runnables get one slice for every this-many normal ones (the BEAM's rule).
const LOW_EVERY = 8;
// How many slices run between two reads of the real time (a read costs ~50 ns).
const SLICES_PER_TIME_CHECK = 128;
// Loop-end tasks run early once this many wait: holding more keeps them (and the
// receives they refer to) alive past a young-generation GC, which costs more than the run.
const LOOP_END_BATCH = 256;
// Continuations go through a resolved native promise: Node's queueMicrotask wraps every
// callback for async hooks and costs several times more.
const RESOLVED = Promise.resolve();

export class Scheduler {
  readonly #queues = [new RunQueue(), new RunQueue(), new RunQueue(), new RunQueue()];
  readonly #options: SchedulerOptions;
  #queuedCount = 0;
  #normalStreak = 0;
  // At most one continuation of the loop is pending (a microtask or an immediate).
  #pending = false;
  #running = false;
  #stopped = false;
  // Work since the loop last gave the event loop a turn.
  #turnReductions = 0;
  #turnStart = performance.now();
  #turnChecks = 0;
  #idleWaiters: (() => void)[] = [];
  // A fixed buffer and a count: an array that grew and was replaced on every batch cost
  // each call's receive a share of its allocations.
  readonly #loopEndTasks = new Array<LoopEndTask | undefined>(LOOP_END_BATCH).fill(undefined);
  #loopEndCount = 0;
  #runningLoopEndTasks = false;
  #current: Runnable | undefined = undefined;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** The runnable whose slice is on the stack right now, if any. */
  get current(): Runnable | undefined {
    return this.#current;
  }

  /** True while the loop runs slices (inside one of them, or between two). */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Runs `task.atLoopEnd()` when the running loop hands the thread back, before Node's
   * event loop gets it, or sooner: once LOOP_END_BATCH tasks wait, they all run at once,
   * so the tasks (and what they hold) never pile up over a long loop. Only valid while
   * {@link running}.
   */
  atLoopEnd(task: LoopEndTask): void {
    // One added while the batch runs is at the loop's end already: it runs now, and the
    // slots being read stay as they are.
    if (this.#runningLoopEndTasks) {
      task.atLoopEnd();
      return;
    }
    this.#loopEndTasks[this.#loopEndCount] = task;
    if (++this.#loopEndCount === LOOP_END_BATCH) this.#runLoopEndTasks();
  }

  /** Runnables waiting in the run queues. */
  get queued(): number {
    return this.#queuedCount;
  }

  /** Puts `item` at the back of its priority queue, unless it is already queued. */
  enqueue(item: Runnable): void {
    if (item.queued || this.#stopped) return;
    item.queued = true;
    this.#queues[item.priorityIndex]!.push(item);
    this.#queuedCount++;
    if (!this.#pending && !this.#running) {
      this.#pending = true;
      // Async bodies wake the scheduler from microtasks, each time from an empty queue;
      // without this check such a chain would never let Node's event loop run.
      if (++this.#turnChecks % SLICES_PER_TIME_CHECK === 0 && performance.now() - this.#turnStart >= this.#options.maxBusyMs) {
        setImmediate(this.#afterEventLoopTurn);
      } else {
        void RESOLVED.then(this.#loop);
      }
    }
  }

  /**
   * Resolves once no runnable is queued or running. Work that async bodies do in
   * microtasks is let through first, so "idle" means the runtime has settled.
   */
  idle(): Promise<void> {
    if (this.#isSettled()) {
      // Let microtask-driven work (async bodies) show itself before answering.
      return new Promise((resolve) => setImmediate(resolve)).then(() => (this.#isSettled() ? undefined : this.idle()));
    }
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops running; queued runnables are dropped. */
  stop(): void {
    this.#stopped = true;
    for (const queue of this.#queues) while (queue.length > 0) queue.shift()!.queued = false;
    this.#queuedCount = 0;
    this.#loopEndTasks.fill(undefined);
    this.#loopEndCount = 0;
    this.#releaseIdleWaiters();
  }

  #isSettled(): boolean {
    return this.#queuedCount === 0 && !this.#running && !this.#pending;
  }

  #next(): Runnable | undefined {
    const q = this.#queues;
    if (q[0]!.length > 0) return q[0]!.shift();
    if (q[1]!.length > 0) return q[1]!.shift();
    const normal = q[2]!;
    const low = q[3]!;
    if (normal.length > 0 && (low.length === 0 || this.#normalStreak < LOW_EVERY)) {
      this.#normalStreak++;
      return normal.shift();
    }
    this.#normalStreak = 0;
    return low.shift();
  }

  #loop = (): void => {
    this.#pending = false;
    if (this.#stopped) return;
    this.#running = true;
    const options = this.#options;
    const watch = options.watch;
    let slices = 0;
    try {
      for (;;) {
        const item = this.#next();
        if (item === undefined) break;
        this.#queuedCount--;
        item.queued = false;
        this.#current = item;
        if (watch !== undefined) watch.enter(item.id, item.serial);
        this.#turnReductions += item.run(options.reductionsPerSlice);
        this.#current = undefined;
        if (this.#turnReductions >= options.reductionsPerTurn) break;
        if (++slices % SLICES_PER_TIME_CHECK === 0 && performance.now() - this.#turnStart >= options.maxBusyMs) {
          this.#turnReductions = options.reductionsPerTurn;
          break;
        }
      }
    } finally {
      if (watch !== undefined) watch.idle();
      this.#current = undefined;
      this.#running = false;
      if (this.#loopEndCount > 0) this.#runLoopEndTasks();
    }
    this.#continue();
  };

  #continue(): void {
    if (this.#stopped) return;
    if (this.#queuedCount === 0) {
      this.#releaseIdleWaiters();
      return;
    }
    this.#pending = true;
    // Microtask chains (async bodies hand work back and forth) must also give the
    // event loop its turn, so the time is checked every so many microtask turns too.
    if (
      this.#turnReductions >= this.#options.reductionsPerTurn ||
      (++this.#turnChecks % SLICES_PER_TIME_CHECK === 0 && performance.now() - this.#turnStart >= this.#options.maxBusyMs)
    ) {
      setImmediate(this.#afterEventLoopTurn);
    } else {
      void RESOLVED.then(this.#loop);
    }
  }

  #runLoopEndTasks(): void {
    const tasks = this.#loopEndTasks;
    const count = this.#loopEndCount;
    this.#loopEndCount = 0;
    this.#runningLoopEndTasks = true;
    try {
      for (let i = 0; i < count; i++) {
        const task = tasks[i]!;
        tasks[i] = undefined;
        // A stopped runtime starts nothing more (a late timer would keep Node alive).
        if (!this.#stopped) task.atLoopEnd();
      }
    } finally {
      this.#runningLoopEndTasks = false;
    }
  }


  #afterEventLoopTurn = (): void => {
    this.#turnReductions = 0;
    this.#turnStart = performance.now();
    this.#loop();
  };

  #releaseIdleWaiters(): void {
    if (this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    // Re-check after a macrotask: async bodies may still be mid-flight in microtasks.
    setImmediate(() => {
      for (const resolve of waiters) void this.idle().then(resolve);
    });
  }
}

// Long-schedule monitor (the BEAM's `erlang:system_monitor(_, [{long_schedule, T}])`).
// JavaScript cannot interrupt a slice that holds the thread, and reading the time around
// every slice costs more than the slice itself, so the scheduler only writes "slice N of
// runnable R is on the thread" into shared memory; a watchdog thread samples it and
// reports slices it saw stuck, after the thread is free again.
import { Worker } from 'node:worker_threads';

/**
 * What the scheduler calls: `enter` as each slice starts (a few stores, no clock read),
 * `idle` when its loop hands the thread back. A slice ends when the next one enters or
 * the loop goes idle, so nothing is written as each slice ends.
 */
export interface SliceWatch {
  enter(id: number, serial: number): void;
  idle(): void;
}

/** A slice observed holding the thread for at least `durationMs`. */
export interface LongSlice {
  readonly id: number;
  readonly serial: number;
  readonly durationMs: number;
}

const SEQ = 0; // odd while a slice runs, a new odd value per slice; even while idle
const ID = 1;
const OWNER = 2;
const SELF_TIMED_SEQ = 3; // a slice the main thread times itself (before the watchdog is online)
const SERIAL = 4;
const ONLINE = 5; // set by the watchdog thread as it starts
const SLOT_COUNT = 6;
const SAMPLE_MS = 5;

// One watchdog thread serves every runtime of this Node thread: only one slice can be on
// the thread at a time, so one slot describes it; OWNER says which runtime it belongs to.
// The slice sequence number (see SEQ); shared by every runtime of this thread, as the slot is.
let sequence = 0;
// The OWNER last written: most threads have one runtime, whose slices need not rewrite it.
let slotOwner = 0;

let shared:
  | {
      slots: Int32Array;
      online: boolean;
      worker: Worker;
      owners: Map<number, (slice: LongSlice) => void>;
      nextOwner: number;
    }
  | undefined;

function watchdog(): NonNullable<typeof shared> {
  if (shared !== undefined) return shared;
  const buffer = new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT);
  const worker = new Worker(new URL('../../worker/long-schedule-worker.mjs', import.meta.url), {
    workerData: { buffer, sampleMs: SAMPLE_MS },
    // Plain JavaScript: must not inherit a TypeScript loader's flags.
    execArgv: [],
  });
  const owners = new Map<number, (slice: LongSlice) => void>();
  // A new watchdog's slots start blank: the owner must be written again.
  slotOwner = 0;
  worker.on('message', (report: { owner: number; id: number; serial: number; durationMs: number }) => {
    owners.get(report.owner)?.({ id: report.id, serial: report.serial, durationMs: report.durationMs });
  });
  worker.on('error', () => {
    // The monitor is an aid; losing it must never take the application down.
    shared = undefined;
  });
  // After the listeners: attaching a 'message' listener refs the worker's port again,
  // and the monitor must never keep Node alive by itself.
  worker.unref();
  shared = {
    slots: new Int32Array(buffer, 0, SLOT_COUNT),
    online: false,
    worker,
    owners,
    nextOwner: 1,
  };
  return shared;
}

/** A SliceWatch for one runtime; `report` is called for slices of at least `thresholdMs`. */
export function watchSlices(thresholdMs: number, report: (slice: LongSlice) => void): SliceWatch & { close(): void } {
  const dog = watchdog();
  const owner = dog.nextOwner++;
  const slots = dog.slots;
  // While the watchdog thread starts (tens of ms), the main thread times slices itself.
  let selfTimedStart = -1;
  let selfTimedId = 0;
  let selfTimedSerial = 0;
  dog.owners.set(owner, (slice) => {
    if (slice.durationMs >= thresholdMs) report(slice);
  });
  const endSelfTimed = (): void => {
    const durationMs = Math.round(performance.now() - selfTimedStart);
    selfTimedStart = -1;
    if (durationMs >= thresholdMs) {
      const slice = { id: selfTimedId, serial: selfTimedSerial, durationMs };
      // Reported from a macrotask, like the watchdog's reports, never inside the scheduler loop.
      setImmediate(() => report(slice));
    }
  };
  return {
    enter(id: number, serial: number): void {
      if (selfTimedStart >= 0) endSelfTimed();
      slots[ID] = id;
      slots[SERIAL] = serial;
      if (slotOwner !== owner) slots[OWNER] = slotOwner = owner;
      // The sequence lives in a module variable: reading it back from shared memory costs more.
      sequence = (sequence + 2) | 1;
      // The watchdog says it is online in shared memory, not by a message: a busy main
      // thread would read a message only at its next event-loop turn, timing every slice
      // itself until then.
      if (!dog.online) dog.online = slots[ONLINE] !== 0;
      if (!dog.online) {
        selfTimedStart = performance.now();
        selfTimedId = id;
        selfTimedSerial = serial;
        slots[SELF_TIMED_SEQ] = sequence;
      }
      slots[SEQ] = sequence;
    },
    idle(): void {
      if ((sequence & 1) === 1) slots[SEQ] = ++sequence;
      if (selfTimedStart >= 0) endSelfTimed();
    },
    close(): void {
      dog.owners.delete(owner);
    },
  };
}

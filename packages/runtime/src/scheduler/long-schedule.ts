// Long-schedule monitor (the BEAM's `erlang:system_monitor(_, [{long_schedule, T}])`).
// JavaScript cannot interrupt a slice that holds the thread, and reading the time around
// every slice costs more than the slice itself, so the scheduler only writes "slice N of
// runnable R is on the thread" into shared memory; a watchdog thread samples it and
// reports slices it saw stuck, after the thread is free again.
import { Worker } from 'node:worker_threads';

/** What the scheduler calls around each slice: two stores, no clock read. */
export interface SliceWatch {
  enter(id: number): void;
  leave(): void;
}

/** A slice observed holding the thread for at least `durationMs`. */
export interface LongSlice {
  readonly id: number;
  readonly durationMs: number;
}

const SEQ = 0; // odd while a slice runs
const ID = 1;
const OWNER = 2;
const START_SEQ = 3; // the slice whose start time is in START_TIME (only before the watchdog is online)
const SAMPLE_MS = 5;

// One watchdog thread serves every runtime of this Node thread: only one slice can be on
// the thread at a time, so one slot describes it; OWNER says which runtime it belongs to.
let shared:
  | {
      slots: Int32Array;
      startTime: Float64Array;
      online: boolean;
      worker: Worker;
      owners: Map<number, (slice: LongSlice) => void>;
      nextOwner: number;
    }
  | undefined;

function watchdog(): NonNullable<typeof shared> {
  if (shared !== undefined) return shared;
  const buffer = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT + Float64Array.BYTES_PER_ELEMENT);
  const worker = new Worker(new URL('../../worker/long-schedule-worker.mjs', import.meta.url), {
    workerData: { buffer, sampleMs: SAMPLE_MS },
    // Plain JavaScript: must not inherit a TypeScript loader's flags.
    execArgv: [],
  });
  const owners = new Map<number, (slice: LongSlice) => void>();
  worker.on('message', (report: { online?: true; owner: number; id: number; durationMs: number }) => {
    if (report.online === true) {
      if (shared !== undefined) shared.online = true;
      return;
    }
    owners.get(report.owner)?.({ id: report.id, durationMs: report.durationMs });
  });
  worker.on('error', () => {
    // The monitor is an aid; losing it must never take the application down.
    shared = undefined;
  });
  // After the listeners: attaching a 'message' listener refs the worker's port again,
  // and the monitor must never keep Node alive by itself.
  worker.unref();
  shared = {
    slots: new Int32Array(buffer, 0, 4),
    startTime: new Float64Array(buffer, 16, 1),
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
  const startTime = dog.startTime;
  dog.owners.set(owner, (slice) => {
    if (slice.durationMs >= thresholdMs) report(slice);
  });
  return {
    enter(id: number): void {
      slots[ID] = id;
      slots[OWNER] = owner;
      const seq = (slots[SEQ]! + 1) | 1;
      // The watchdog thread takes tens of ms to start; until it runs, stamp each slice's
      // start so one that begins before it is still measured from its real start.
      if (!dog.online) {
        startTime[0] = performance.timeOrigin + performance.now();
        slots[START_SEQ] = seq;
      }
      slots[SEQ] = seq;
    },
    leave(): void {
      slots[SEQ] = (slots[SEQ]! + 1) & ~1;
    },
    close(): void {
      dog.owners.delete(owner);
    },
  };
}

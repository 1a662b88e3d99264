// Watchdog thread of the long-schedule monitor (see src/scheduler/long-schedule.ts).
// Samples the slice slot; when a slice it saw running ends, reports how long it held
// the main thread (a lower bound, to within one sample). Slices that began before the
// main thread knew this thread was online are timed by the main thread instead.
import { parentPort, workerData } from 'node:worker_threads';

const slots = new Int32Array(workerData.buffer, 0, 6);
const sampleMs = workerData.sampleMs;
let seenSeq = -1;
let seenAt = 0;
let id = 0;
let serial = 0;
let owner = 0;

setInterval(() => {
  const seq = Atomics.load(slots, 0);
  if (seq === seenSeq) return;
  const now = performance.now();
  if ((seenSeq & 1) === 1 && Atomics.load(slots, 3) !== seenSeq) {
    const durationMs = Math.round(now - seenAt);
    if (durationMs >= 2 * sampleMs) parentPort.postMessage({ owner, id, serial, durationMs });
  }
  seenSeq = seq;
  seenAt = now;
  id = Atomics.load(slots, 1);
  serial = Atomics.load(slots, 4);
  owner = Atomics.load(slots, 2);
}, sampleMs);

// After the sampler is set up: from now on the main thread leaves slice timing to us.
Atomics.store(slots, 5, 1);

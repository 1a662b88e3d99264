// Watchdog thread of the long-schedule monitor (see src/scheduler/long-schedule.ts).
// Samples the slice slot; when a slice it saw running ends, reports how long it held
// the main thread (a lower bound, to within one sample).
import { parentPort, workerData } from 'node:worker_threads';

const slots = new Int32Array(workerData.buffer);
const sampleMs = workerData.sampleMs;
let seenSeq = -1;
let seenAt = 0;
let id = 0;
let owner = 0;

setInterval(() => {
  const seq = Atomics.load(slots, 0);
  if (seq === seenSeq) return;
  const now = performance.now();
  if ((seenSeq & 1) === 1) {
    const durationMs = Math.round(now - seenAt);
    if (durationMs >= 2 * sampleMs) parentPort.postMessage({ owner, id, durationMs });
  }
  seenSeq = seq;
  seenAt = now;
  id = Atomics.load(slots, 1);
  owner = Atomics.load(slots, 2);
}, sampleMs);

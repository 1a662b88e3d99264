// Watchdog thread of the long-schedule monitor (see src/scheduler/long-schedule.ts).
// Samples the slice slot; when a slice it saw running ends, reports how long it held
// the main thread (a lower bound, to within one sample).
import { parentPort, workerData } from 'node:worker_threads';

const slots = new Int32Array(workerData.buffer, 0, 4);
const startTime = new Float64Array(workerData.buffer, 16, 1);
const sampleMs = workerData.sampleMs;
let seenSeq = -1;
let seenAt = 0;
let id = 0;
let owner = 0;

const now = () => performance.timeOrigin + performance.now();

setInterval(() => {
  const seq = Atomics.load(slots, 0);
  if (seq === seenSeq) return;
  const at = now();
  if ((seenSeq & 1) === 1) {
    const durationMs = Math.round(at - seenAt);
    if (durationMs >= 2 * sampleMs) parentPort.postMessage({ owner, id, durationMs });
  }
  seenSeq = seq;
  // A slice stamped by the main thread (before this thread was online) is measured from its stamp.
  seenAt = (seq & 1) === 1 && Atomics.load(slots, 3) === seq ? startTime[0] : at;
  id = Atomics.load(slots, 1);
  owner = Atomics.load(slots, 2);
}, sampleMs);

parentPort.postMessage({ online: true });

// Memory: processes that end leave nothing behind (the runtime project runs with
// --expose-gc, so the heap can be measured after a full collection).
import { afterEach, describe, expect, it } from 'vitest';
import type { Pid, Runtime } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

const COUNT = 100_000;
const SLACK_BYTES = 15 * 1024 * 1024;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (the runtime vitest project does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Lets the runtime size its structures once, so the baseline is not a cold start. */
async function warmedUp(rt: Runtime): Promise<number> {
  for (let i = 0; i < 1000; i++) rt.spawn(() => {});
  await rt.idle();
  return heapAfterGc();
}

describe('memory', () => {
  it('returns to its baseline after 100k processes that exit at once', async () => {
    const { rt } = startRuntime();
    const baseline = await warmedUp(rt);
    for (let i = 0; i < COUNT; i++) rt.spawn(() => {});
    expect(rt.processCount).toBe(COUNT);
    await rt.idle();
    expect(rt.processCount).toBe(0);
    expect(heapAfterGc() - baseline).toBeLessThan(SLACK_BYTES);
  }, 30_000);

  it('returns to its baseline after 100k processes blocked in receive are killed', async () => {
    const { rt } = startRuntime();
    const baseline = await warmedUp(rt);
    let pids: Pid[] = [];
    for (let i = 0; i < COUNT; i++) {
      pids.push(
        rt.spawn(function* (self) {
          yield* self.receive((m) => m === 'never sent', { after: 60_000 });
        }),
      );
    }
    await rt.idle();
    expect(rt.processInfo(pids[COUNT - 1]!)?.status).toBe('waiting');
    expect(heapAfterGc() - baseline).toBeGreaterThan(SLACK_BYTES); // the processes do cost memory while alive
    for (const pid of pids) rt.exit(pid, 'kill');
    pids = [];
    await rt.idle();
    expect(rt.processCount).toBe(0);
    expect(rt.pendingTimers).toBe(0);
    expect(heapAfterGc() - baseline).toBeLessThan(SLACK_BYTES);
  }, 30_000);
});

// Scheduler.atLoopEnd: work put off until the loop hands the thread back, or run early in
// batches, never lost and never run twice.
import { describe, expect, it } from 'vitest';
import { Scheduler, type LoopEndTask } from '../../src/scheduler/scheduler.js';
import type { Runnable } from '../../src/scheduler/runnable.js';

function scheduler(): Scheduler {
  return new Scheduler({ reductionsPerSlice: 4000, reductionsPerTurn: 100_000, maxBusyMs: 1000, watch: undefined });
}

function task(log: string[], name: string, then?: () => void): LoopEndTask {
  return {
    atLoopEnd() {
      log.push(name);
      then?.();
    },
  };
}

// A runnable whose one slice runs `body`, inside the scheduler's loop.
function runnable(body: () => void): Runnable {
  return { id: 1, serial: 0, priorityIndex: 2, queued: false, run: () => (body(), 1) };
}

describe('Scheduler.atLoopEnd', () => {
  it('runs the tasks a slice adds once the loop ends, in the order they were added', async () => {
    const s = scheduler();
    const log: string[] = [];
    s.enqueue(
      runnable(() => {
        expect(s.running).toBe(true);
        s.atLoopEnd(task(log, 'a'));
        s.atLoopEnd(task(log, 'b'));
        log.push('slice');
      }),
    );
    await s.idle();
    expect(log).toEqual(['slice', 'a', 'b']);
  });

  it('runs a full batch of 256 at once, inside the loop, and the rest at its end', async () => {
    const s = scheduler();
    const log: string[] = [];
    let ranInsideSlice = 0;
    s.enqueue(
      runnable(() => {
        for (let i = 0; i < 300; i++) s.atLoopEnd(task(log, `t${i}`));
        ranInsideSlice = log.length;
      }),
    );
    await s.idle();
    expect(ranInsideSlice).toBe(256);
    expect(log).toEqual(Array.from({ length: 300 }, (_, i) => `t${i}`));
  });

  it('runs a task added while a batch runs at once, losing none of the batch', async () => {
    const s = scheduler();
    const log: string[] = [];
    s.enqueue(
      runnable(() => {
        s.atLoopEnd(task(log, 'first', () => s.atLoopEnd(task(log, 'added by first'))));
        s.atLoopEnd(task(log, 'second'));
      }),
    );
    await s.idle();
    expect(log).toEqual(['first', 'added by first', 'second']);
  });

  it('runs the tasks of the next loop too: the buffer is reused, not left holding the old ones', async () => {
    const s = scheduler();
    const log: string[] = [];
    s.enqueue(runnable(() => s.atLoopEnd(task(log, 'loop 1'))));
    await s.idle();
    s.enqueue(runnable(() => s.atLoopEnd(task(log, 'loop 2'))));
    await s.idle();
    expect(log).toEqual(['loop 1', 'loop 2']);
  });

  it('drops pending tasks when stopped: a stopped runtime starts nothing more', async () => {
    const s = scheduler();
    const log: string[] = [];
    s.enqueue(
      runnable(() => {
        s.atLoopEnd(task(log, 'dropped'));
        s.stop();
      }),
    );
    await s.idle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual([]);
  });
});

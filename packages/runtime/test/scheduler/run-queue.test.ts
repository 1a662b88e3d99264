// RunQueue: the FIFO ring buffer the scheduler keeps runnables in.
import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../src/scheduler/run-queue.js';
import type { Runnable } from '../../src/scheduler/runnable.js';

function runnable(id: number): Runnable {
  return { id, serial: 0, priorityIndex: 2, queued: false, run: () => 1 };
}

function drain(queue: RunQueue): number[] {
  const ids: number[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) ids.push(item.id);
  return ids;
}

describe('RunQueue', () => {
  it('is empty at first and shift gives undefined', () => {
    const queue = new RunQueue();
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  it('gives runnables back in the order they were pushed', () => {
    const queue = new RunQueue();
    for (const id of [3, 1, 2]) queue.push(runnable(id));
    expect(queue.length).toBe(3);
    expect(drain(queue)).toEqual([3, 1, 2]);
    expect(queue.length).toBe(0);
  });

  it('keeps FIFO order when it grows past its initial capacity', () => {
    const queue = new RunQueue();
    const ids = Array.from({ length: 100 }, (_, i) => i);
    for (const id of ids) queue.push(runnable(id));
    expect(queue.length).toBe(100);
    expect(drain(queue)).toEqual(ids);
  });

  it('keeps FIFO order when it grows while its contents wrap around the ring', () => {
    const queue = new RunQueue();
    let next = 0;
    const out: number[] = [];
    // Fill and half-drain repeatedly so the head moves around the ring, then grow.
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 12; i++) queue.push(runnable(next++));
      for (let i = 0; i < 6; i++) out.push(queue.shift()!.id);
    }
    out.push(...drain(queue));
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });
});

// Slices: a process runs at most `reductionsPerSlice` reductions, then goes to the back
// of its run queue; self.yield() sends it there at once.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessBody } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { BODY_STYLES } from '../support/bodies.js';

afterEach(stopRuntimes);

/** A process that does `rounds` send/receive rounds, logging its tag each round. */
function worker(tag: string, rounds: number, log: string[]): ProcessBody {
  return function* (self) {
    for (let i = 0; i < rounds; i++) {
      self.send(self.pid, i);
      yield* self.receive();
      log.push(tag);
    }
  };
}

function switches(log: string[]): number {
  let count = 0;
  for (let i = 1; i < log.length; i++) if (log[i] !== log[i - 1]) count++;
  return count;
}

function longestRun(log: string[]): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < log.length; i++) {
    run = i > 0 && log[i] === log[i - 1] ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

describe('slices', () => {
  it('interleaves two busy processes when the slice budget is small', async () => {
    const { rt } = startRuntime({ reductionsPerSlice: 10 });
    const log: string[] = [];
    rt.spawn(worker('A', 50, log));
    rt.spawn(worker('B', 50, log));
    await rt.idle();
    expect(log).toHaveLength(100);
    expect(switches(log)).toBeGreaterThan(10);
    expect(longestRun(log)).toBeLessThanOrEqual(10);
  });

  it('runs the same two processes one after the other with the default budget', async () => {
    const { rt } = startRuntime();
    const log: string[] = [];
    rt.spawn(worker('A', 50, log));
    rt.spawn(worker('B', 50, log));
    await rt.idle();
    expect(log).toEqual([...Array<string>(50).fill('A'), ...Array<string>(50).fill('B')]);
  });

  it('sends a process that spent its budget to the back of the queue', async () => {
    const { rt } = startRuntime({ reductionsPerSlice: 10 });
    const log: string[] = [];
    rt.spawn(worker('A', 30, log));
    rt.spawn(() => void log.push('B'));
    rt.spawn(() => void log.push('C'));
    await rt.idle();
    const firstSlice = log.indexOf('B');
    expect(firstSlice).toBeGreaterThan(0);
    expect(firstSlice).toBeLessThan(30);
    expect(log).toEqual([...Array<string>(firstSlice).fill('A'), 'B', 'C', ...Array<string>(30 - firstSlice).fill('A')]);
  });
});

describe.each(BODY_STYLES)('self.yield() in a %s body', (style) => {
  it('lets the other runnable processes run first', async () => {
    const { rt } = startRuntime();
    const log: string[] = [];
    rt.spawn(
      style === 'generator'
        ? function* (self) {
            log.push('A before');
            yield* self.yield();
            log.push('A after');
          }
        : async (self) => {
            log.push('A before');
            await self.yield();
            log.push('A after');
          },
    );
    rt.spawn(() => void log.push('B'));
    await rt.idle();
    expect(log).toEqual(['A before', 'B', 'A after']);
  });
});

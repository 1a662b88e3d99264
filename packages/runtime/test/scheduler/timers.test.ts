// TimerService: the runtime's timer heap over one clock timer.
import { describe, expect, it } from 'vitest';
import { TimerService } from '../../src/scheduler/timers.js';
import { ManualClock } from '../support/manual-clock.js';

function setup(): { clock: ManualClock; timers: TimerService; fired: string[] } {
  const clock = new ManualClock();
  return { clock, timers: new TimerService(clock), fired: [] };
}

describe('TimerService', () => {
  it('fires timers in deadline order, each at its deadline', () => {
    const { clock, timers, fired } = setup();
    for (const [name, ms] of [['c', 30], ['a', 10], ['b', 20]] as const) {
      timers.start(ms, () => fired.push(`${name}@${clock.now()}`), undefined);
    }
    clock.advance(100);
    expect(fired).toEqual(['a@10', 'b@20', 'c@30']);
  });

  it('does not fire a timer before its deadline', () => {
    const { clock, timers, fired } = setup();
    timers.start(50, () => fired.push('t'), undefined);
    clock.advance(49);
    expect(fired).toEqual([]);
    expect(timers.size).toBe(1);
    clock.advance(1);
    expect(fired).toEqual(['t']);
    expect(timers.size).toBe(0);
  });

  it('fires timers with equal deadlines in the order they were started', () => {
    const { clock, timers, fired } = setup();
    for (const name of ['first', 'second', 'third', 'fourth']) timers.start(10, () => fired.push(name), undefined);
    clock.advance(10);
    expect(fired).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('passes the argument given at start to the callback', () => {
    const { clock, timers } = setup();
    const got: number[] = [];
    timers.start(5, (n: number) => got.push(n), 42);
    clock.advance(5);
    expect(got).toEqual([42]);
  });

  it('cancels a timer: it never fires, and cancel says it was pending without reading the clock', () => {
    const { clock, timers, fired } = setup();
    const entry = timers.start(100, () => fired.push('t'), undefined);
    clock.advance(30);
    expect(timers.remaining(entry)).toBe(70);
    expect(timers.cancel(entry)).toBe(true);
    expect(timers.size).toBe(0);
    clock.advance(1000);
    expect(fired).toEqual([]);
  });

  it('answers false to cancel and remaining once a timer fired or was cancelled', () => {
    const { clock, timers } = setup();
    const firedEntry = timers.start(1, () => {}, undefined);
    const cancelledEntry = timers.start(100, () => {}, undefined);
    clock.advance(1);
    expect(timers.cancel(firedEntry)).toBe(false);
    expect(timers.remaining(firedEntry)).toBe(false);
    timers.cancel(cancelledEntry);
    expect(timers.cancel(cancelledEntry)).toBe(false);
    expect(timers.remaining(cancelledEntry)).toBe(false);
  });

  it('keeps deadline order and FIFO ties after compacting many cancelled timers', () => {
    const { clock, timers, fired } = setup();
    const entries = [];
    for (let i = 0; i < 300; i++) {
      const ms = 10 * (1 + (i % 7));
      entries.push({ i, ms, entry: timers.start(ms, () => fired.push(String(i)), undefined) });
    }
    // Cancelling most of them makes cancelled entries dominate the heap, which compacts it.
    const kept = entries.filter(({ i }) => i % 10 === 0);
    for (const { i, entry } of entries) if (i % 10 !== 0) timers.cancel(entry);
    expect(timers.size).toBe(kept.length);
    clock.advance(1000);
    const expected = [...kept].sort((a, b) => a.ms - b.ms || a.i - b.i).map(({ i }) => String(i));
    expect(fired).toEqual(expected);
  });

  it('does not fire a 0-ms timer started by a callback in the same pass', () => {
    const { clock, timers, fired } = setup();
    timers.start(
      10,
      () => {
        fired.push('outer');
        timers.start(0, () => fired.push('inner'), undefined);
      },
      undefined,
    );
    clock.fireNext();
    expect(fired).toEqual(['outer']);
    expect(timers.size).toBe(1);
    expect(clock.armed).toBe(1);
    clock.fireNext();
    expect(fired).toEqual(['outer', 'inner']);
  });

  it('arms one clock timer, for the earliest deadline, and re-arms when an earlier one starts', () => {
    const { clock, timers } = setup();
    timers.start(100, () => {}, undefined);
    timers.start(200, () => {}, undefined);
    expect(clock.armed).toBe(1);
    expect(clock.nextDeadline).toBe(100);
    timers.start(50, () => {}, undefined);
    expect(clock.armed).toBe(1);
    expect(clock.nextDeadline).toBe(50);
  });

  it('disarms the clock when the last timer is cancelled, and clear drops everything', () => {
    const { clock, timers, fired } = setup();
    const entry = timers.start(10, () => fired.push('a'), undefined);
    timers.cancel(entry);
    clock.advance(10);
    expect(clock.armed).toBe(0);
    timers.start(10, () => fired.push('b'), undefined);
    timers.start(20, () => fired.push('c'), undefined);
    timers.clear();
    expect(timers.size).toBe(0);
    expect(clock.armed).toBe(0);
    clock.advance(100);
    expect(fired).toEqual([]);
  });

  it('holds a million pending timers with exactly one clock timer armed', () => {
    const { clock, timers } = setup();
    const noop = (): void => {};
    let seed = 12345;
    let earliest = Infinity;
    for (let i = 0; i < 1_000_000; i++) {
      seed = (seed * 48271) % 2147483647; // deterministic pseudo-random deadlines
      const ms = 1 + (seed % 100_000);
      earliest = Math.min(earliest, ms);
      timers.start(ms, noop, undefined);
    }
    expect(timers.size).toBe(1_000_000);
    expect(clock.armed).toBe(1);
    expect(clock.nextDeadline).toBe(earliest);
  });
});

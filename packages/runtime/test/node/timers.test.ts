// sendAfter, cancelTimer and readTimer on virtual time; receive timers at scale.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnProbe, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('timers', () => {
  it('delivers a sendAfter message exactly when its time has come', async () => {
    const { rt, clock } = startRuntime();
    const probe = spawnProbe(rt);
    rt.sendAfter(100, probe.pid, 'tick');
    await clock.advance(99);
    expect(probe.received).toEqual([]);
    await clock.advance(1);
    expect(probe.received).toEqual(['tick']);
  });

  it('delivers sendAfter messages in deadline order', async () => {
    const { rt, clock } = startRuntime();
    const probe = spawnProbe(rt);
    rt.sendAfter(30, probe.pid, 'third');
    rt.sendAfter(10, probe.pid, 'first');
    rt.sendAfter(20, probe.pid, 'second');
    await clock.advance(30);
    expect(probe.received).toEqual(['first', 'second', 'third']);
  });

  it('lets a process start a timer to itself with self.sendAfter', async () => {
    const { rt, clock } = startRuntime();
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      self.sendAfter(50, self.pid, 'wake up');
      got.push(yield* self.receive());
      got.push(clock.now());
    });
    await clock.advance(50);
    expect(got).toEqual(['wake up', 50]);
  });

  it('resolves a registered name when the timer fires, not when it starts', async () => {
    const { rt, clock } = startRuntime();
    rt.sendAfter(10, 'later', 'hello');
    const probe = spawnProbe(rt, 'later');
    await clock.advance(10);
    expect(probe.received).toEqual(['hello']);
  });

  it('drops the message of a timer whose name is not registered when it fires', async () => {
    const { rt, clock } = startRuntime();
    rt.sendAfter(10, 'nobody', 'hello');
    await clock.advance(10);
    expect(rt.pendingTimers).toBe(0);
    const probe = spawnProbe(rt, 'nobody');
    await clock.advance(10);
    expect(probe.received).toEqual([]);
  });

  it('cancels a timer: cancelTimer returns the ms it had left and nothing is delivered', async () => {
    const { rt, clock } = startRuntime();
    const probe = spawnProbe(rt);
    const ref = rt.sendAfter(100, probe.pid, 'never');
    await clock.advance(30);
    expect(rt.cancelTimer(ref)).toBe(70);
    await clock.advance(100);
    expect(probe.received).toEqual([]);
  });

  it('answers false to cancelTimer for a timer that fired or was cancelled already', async () => {
    const { rt, clock } = startRuntime();
    const probe = spawnProbe(rt);
    const fired = rt.sendAfter(10, probe.pid, 'x');
    const cancelled = rt.sendAfter(50, probe.pid, 'y');
    await clock.advance(10);
    rt.cancelTimer(cancelled);
    expect(rt.cancelTimer(fired)).toBe(false);
    expect(rt.cancelTimer(cancelled)).toBe(false);
  });

  it('reads the ms a timer has left, and false once it fired', async () => {
    const { rt, clock } = startRuntime();
    const probe = spawnProbe(rt);
    const ref = rt.sendAfter(100, probe.pid, 'x');
    await clock.advance(40);
    expect(rt.readTimer(ref)).toBe(60);
    await clock.advance(60);
    expect(rt.readTimer(ref)).toBe(false);
  });

  it('lets a process cancel its own timer', async () => {
    const { rt, clock } = startRuntime();
    const results: unknown[] = [];
    const pid = rt.spawn(function* (self) {
      const ref = self.sendAfter(100, self.pid, 'never');
      yield* self.sleep(25);
      results.push(self.cancelTimer(ref));
      yield* self.receive(() => false);
    });
    await clock.advance(200);
    expect(results).toEqual([75]);
    expect(rt.messages(pid)).toEqual([]);
  });

  it.each([-1, Number.NaN, Infinity])('throws a TypeError for a sendAfter delay of %s', (ms) => {
    const { rt } = startRuntime();
    expect(() => rt.sendAfter(ms, 'x', 'y')).toThrow(TypeError);
  });

  it('arms one clock timer for a thousand processes waiting with timeouts', async () => {
    const { rt, clock } = startRuntime();
    for (let i = 0; i < 1000; i++) {
      rt.spawn(function* (self) {
        yield* self.receive(() => false, { after: 1000 + i });
      });
    }
    await rt.idle();
    expect(rt.pendingTimers).toBe(1000);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(2000);
    expect(rt.pendingTimers).toBe(0);
    expect(rt.processCount).toBe(0);
  });

  it('drops pending timers of a process that is killed', async () => {
    const { rt, clock } = startRuntime();
    const pid = rt.spawn(function* (self) {
      yield* self.receive(() => false, { after: 1000 });
    });
    await rt.idle();
    expect(rt.pendingTimers).toBe(1);
    rt.exit(pid, 'kill');
    expect(rt.pendingTimers).toBe(0);
    await clock.advance(1000);
    expect(rt.processCount).toBe(0);
  });
});

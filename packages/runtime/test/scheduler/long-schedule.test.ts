// Long schedules: a slice that holds the thread too long is reported (the BEAM's
// long_schedule system monitor). These tests need real time: their slices busy-wait.
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Pid, type Runtime } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

type LongSlice = { pid: Pid; durationMs: number };

function nextLongSlice(rt: Runtime): Promise<LongSlice> {
  return new Promise((resolve) => rt.events.once('long_schedule', resolve));
}

/** Spawns a process whose first slice holds the thread for `ms` of real time. */
function spawnHog(rt: Runtime, ms: number): Pid {
  return rt.spawn(function* (self) {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // JavaScript cannot preempt this loop: the slice holds the thread throughout
    }
    yield* self.receive();
  });
}

/**
 * Waits until the watchdog thread (one per Node thread, shared by all runtimes) is
 * sampling: a sensitive runtime hogs briefly until one of its slices is reported.
 */
async function watchdogRunning(): Promise<void> {
  const { rt } = startRuntime({ clock: systemClock, longScheduleMs: 1 });
  let seen = false;
  rt.events.once('long_schedule', () => (seen = true));
  while (!seen) {
    spawnHog(rt, 20);
    await rt.idle();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('long schedule monitor', () => {
  // Must stay the first test of this file: it needs the watchdog thread not started yet.
  it('measures all of a long slice that begins as soon as the first runtime is created', async () => {
    const { rt } = startRuntime({ clock: systemClock, longScheduleMs: 1 });
    const reported = nextLongSlice(rt);
    const hog = spawnHog(rt, 150);
    const gaveUp = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500));
    const slice = await Promise.race([reported, gaveUp]);
    expect(slice).toMatchObject({ pid: hog });
    expect(slice!.durationMs).toBeGreaterThanOrEqual(140);
  }, 2000);

  it('emits long_schedule with the pid and duration, and logs one warning naming the pid', async () => {
    await watchdogRunning();
    const { rt, log } = startRuntime({ clock: systemClock, longScheduleMs: 50 });
    const reported = nextLongSlice(rt);
    const hog = spawnHog(rt, 150);
    const slice = await reported;
    expect(slice.pid).toEqual(hog);
    expect(slice.durationMs).toBeGreaterThanOrEqual(50);
    await rt.idle();
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]!.message).toContain(String(hog));
  }, 2000);

  it('reports nothing for slices shorter than the threshold', async () => {
    await watchdogRunning();
    const { rt, log } = startRuntime({ clock: systemClock, longScheduleMs: 500 });
    const slices: LongSlice[] = [];
    rt.events.on('long_schedule', (slice) => slices.push(slice));
    spawnHog(rt, 60);
    await rt.idle();
    // The watchdog reports after the slice ends, within a couple of its 5 ms samples.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slices).toEqual([]);
    expect(log.warnings).toEqual([]);
  }, 2000);
});

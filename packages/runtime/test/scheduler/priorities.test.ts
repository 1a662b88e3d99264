// Priorities: max and high run before normal; low still gets its turn when normal is busy.
import { afterEach, describe, expect, it } from 'vitest';
import type { Priority, ProcessContext } from '@troupe/runtime';
import { deferred, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('priorities', () => {
  it('runs max, then high, then normal, then low, whatever the spawn order', async () => {
    const { rt } = startRuntime();
    const ran: Priority[] = [];
    for (const priority of ['low', 'normal', 'high', 'max'] as const) {
      rt.spawn(() => void ran.push(priority), { priority });
    }
    await rt.idle();
    expect(ran).toEqual(['max', 'high', 'normal', 'low']);
  });

  it('runs a high-priority process woken by a message before normal ones already queued', async () => {
    const { rt } = startRuntime();
    const ran: string[] = [];
    const urgent = rt.spawn(
      function* (self) {
        yield* self.receive();
        ran.push('high');
      },
      { priority: 'high' },
    );
    await rt.idle();
    rt.spawn(() => void ran.push('normal 1'));
    rt.spawn(() => void ran.push('normal 2'));
    rt.send(urgent, 'wake');
    await rt.idle();
    expect(ran).toEqual(['high', 'normal 1', 'normal 2']);
  });

  it('still runs a low-priority process while normal processes are always busy', async () => {
    const { rt } = startRuntime({ reductionsPerSlice: 100 });
    // Bounded so that starvation fails the test instead of hanging it.
    const busy = () =>
      function* (self: ProcessContext) {
        for (let i = 0; i < 1_000_000; i++) {
          self.send(self.pid, i);
          yield* self.receive();
        }
      };
    const spinners = [rt.spawn(busy()), rt.spawn(busy())];
    const lowRan = deferred<boolean>();
    rt.spawn(() => lowRan.resolve(spinners.every((pid) => rt.isAlive(pid))), { priority: 'low' });
    expect(await lowRan.promise).toBe(true);
    for (const pid of spinners) rt.exit(pid, 'kill');
    await rt.idle();
  });

  it('changes priority with setPriority, which returns the previous one', async () => {
    const { rt } = startRuntime();
    const previous: Priority[] = [];
    const pid = rt.spawn(function* (self) {
      previous.push(self.setPriority('max'));
      yield* self.receive();
    });
    await rt.idle();
    expect(previous).toEqual(['normal']);
    expect(rt.processInfo(pid)?.priority).toBe('max');
  });

  it('throws a TypeError from setPriority for an unknown priority', async () => {
    const { rt } = startRuntime();
    const errors: unknown[] = [];
    rt.spawn((self) => {
      try {
        self.setPriority('urgent' as Priority);
      } catch (error) {
        errors.push(error);
      }
    });
    await rt.idle();
    expect(errors[0]).toBeInstanceOf(TypeError);
  });
});

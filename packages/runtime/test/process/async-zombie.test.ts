// An async body killed while it awaits something outside the runtime: when it resumes,
// it is a zombie whose every operation throws ProcessExitedError and has no effect.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessExitedError } from '@troupe/runtime';
import { deferred, recordExits, spawnProbe, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('a killed async body that resumes', () => {
  it('gets ProcessExitedError from self.send and nothing is delivered', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const probe = spawnProbe(rt);
    const foreign = deferred();
    const caught: unknown[] = [];
    const pid = rt.spawn(async (self) => {
      await foreign.promise;
      try {
        self.send(probe.pid, 'from a zombie');
      } catch (error) {
        caught.push(error);
      }
    });
    await rt.idle();
    rt.exit(pid, 'kill');
    await rt.idle();
    expect(exits.get(pid.key)).toBe('killed');
    foreign.resolve();
    await rt.idle();
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(ProcessExitedError);
    expect(probe.received).toEqual([]);
  });

  it('cannot spawn, receive or register either', async () => {
    const { rt } = startRuntime();
    const foreign = deferred();
    const errors: unknown[] = [];
    const pid = rt.spawn(async (self) => {
      await foreign.promise;
      for (const op of [() => self.spawn(() => {}), () => self.receive(), () => self.register('zombie')]) {
        try {
          op();
        } catch (error) {
          errors.push(error);
        }
      }
    });
    await rt.idle();
    const before = rt.processCount;
    rt.exit(pid, 'kill');
    foreign.resolve();
    await rt.idle();
    expect(errors.map((e) => e instanceof ProcessExitedError)).toEqual([true, true, true]);
    expect(rt.processCount).toBe(before - 1);
    expect(rt.whereis('zombie')).toBeUndefined();
  });

  it('keeps the kill reason when the zombie body then throws, and raises no unhandled rejection', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const foreign = deferred();
    const pid = rt.spawn(async (self) => {
      await foreign.promise;
      self.send(self.pid, 'throws ProcessExitedError, uncaught');
    });
    await rt.idle();
    rt.exit(pid, 'kill');
    foreign.resolve();
    await rt.idle();
    expect(exits.get(pid.key)).toBe('killed');
    expect(exits.size).toBe(1);
  });
});

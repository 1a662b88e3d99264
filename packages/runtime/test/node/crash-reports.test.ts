// Crash reports: logged for abnormal exits a process's own code caused, never for
// normal/shutdown exits nor for processes ended by a signal.
import { afterEach, describe, expect, it } from 'vitest';
import { shutdownWith, type ExitReason } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

describe('crash reports', () => {
  it('logs one error naming the pid, the error and its stack when a body throws', async () => {
    const { rt, log } = startRuntime();
    const boom = new Error('disk on fire');
    const pid = rt.spawn(() => {
      throw boom;
    });
    await rt.idle();
    expect(log.errors).toHaveLength(1);
    const [line] = log.errors;
    expect(line!.message).toContain(String(pid));
    expect(line!.message).toContain('Error: disk on fire');
    expect(line!.message).toContain(boom.stack!.split('\n')[1]!.trim());
    expect(line!.meta).toMatchObject({ pid, reason: { kind: 'error', error: boom } });
  });

  it('names the registered name of the crashed process', async () => {
    const { rt, log } = startRuntime();
    rt.spawn(
      (self) => {
        self.exit('gave_up');
      },
      { name: 'named_worker' },
    );
    await rt.idle();
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]!.message).toContain('named_worker');
    expect(log.errors[0]!.message).toContain('gave_up');
  });

  it.each<[string, ExitReason]>([
    ['normal', 'normal'],
    ['shutdown', 'shutdown'],
    ['{kind: shutdown}', shutdownWith('maintenance')],
  ])('logs nothing for a process that exits with %s', async (_, reason) => {
    const { rt, log } = startRuntime();
    rt.spawn((self) => self.exit(reason));
    await rt.idle();
    expect(log.lines).toEqual([]);
  });

  it('logs nothing for a process killed by an exit signal', async () => {
    const { rt, log } = startRuntime();
    const victim = rt.spawn(blockForever);
    const other = rt.spawn(blockForever);
    await rt.idle();
    rt.exit(victim, 'kill');
    rt.exit(other, 'some_reason');
    await rt.idle();
    expect(rt.processCount).toBe(0);
    expect(log.lines).toEqual([]);
  });

  it('logs only the crash itself, not the deaths of linked processes it takes down', async () => {
    const { rt, log } = startRuntime();
    rt.spawn(function* (self) {
      self.spawnLink(() => {
        throw new Error('root cause');
      });
      yield* self.receive();
    });
    await rt.idle();
    expect(rt.processCount).toBe(0);
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]!.message).toContain('root cause');
  });

  it('logs nothing when the runtime shuts its processes down', async () => {
    const { rt, log } = startRuntime();
    rt.spawn(blockForever);
    await rt.idle();
    await rt.shutdown();
    expect(log.lines).toEqual([]);
  });
});

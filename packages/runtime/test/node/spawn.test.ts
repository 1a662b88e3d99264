// spawn, spawnLink and spawnMonitor, and the spawn options.
import { afterEach, describe, expect, it } from 'vitest';
import { BadArgError, type Pid, type Ref, type SpawnOptions, RuntimeStoppedError } from '@troupe/runtime';
import { recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

describe('spawn', () => {
  it('runs the new process later, never inside the spawn call', async () => {
    const { rt } = startRuntime();
    const ran: string[] = [];
    rt.spawn(() => void ran.push('body'));
    expect(ran).toEqual([]);
    await rt.idle();
    expect(ran).toEqual(['body']);
  });

  it('ends a non-trapping parent when the child it spawnLinked crashes', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const boom = new Error('child crashed');
    const parent = rt.spawn(function* (self) {
      self.spawnLink(() => {
        throw boom;
      });
      yield* self.receive();
    });
    await rt.idle();
    expect(exits.get(parent.key)).toMatchObject({ kind: 'error', error: boom });
  });

  it('delivers EXIT to a trapping parent when its spawnLinked child exits', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    let child: Pid | undefined;
    rt.spawn(
      function* (self) {
        child = self.spawnLink((me) => me.exit('child_done'));
        got.push(yield* self.receive());
      },
      { trapExit: true },
    );
    await rt.idle();
    expect(got).toEqual([{ kind: 'EXIT', from: child, reason: 'child_done' }]);
  });

  it('links parent and child before the child runs', async () => {
    const { rt } = startRuntime();
    let child: Pid | undefined;
    const parent = rt.spawn(function* (self) {
      child = self.spawnLink(blockForever);
      yield* self.receive();
    });
    await rt.idle();
    expect(rt.processInfo(parent)?.links).toEqual([child]);
    expect(rt.processInfo(child!)?.links).toEqual([parent]);
  });

  it('delivers DOWN with the reason from spawnMonitor of a body that exits at once', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    let spawned: { pid: Pid; ref: Ref } | undefined;
    rt.spawn(function* (self) {
      spawned = self.spawnMonitor((me) => me.exit('quick_exit'));
      got.push(yield* self.receive());
    });
    await rt.idle();
    expect(got).toEqual([{ kind: 'DOWN', ref: spawned!.ref, target: spawned!.pid, reason: 'quick_exit' }]);
  });

  it('runs the child of spawn without any link or monitor to its parent', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const parent = rt.spawn(function* (self) {
      self.spawn(() => {
        throw new Error('unlinked child');
      });
      yield* self.receive();
    });
    await rt.idle();
    expect(exits.size).toBe(1);
    expect(rt.isAlive(parent)).toBe(true);
    expect(rt.messages(parent)).toEqual([]);
  });

  it('throws RuntimeStoppedError once the runtime has been shut down', async () => {
    const { rt } = startRuntime();
    await rt.shutdown();
    expect(() => rt.spawn(blockForever)).toThrow(RuntimeStoppedError);
  });
});

describe('spawn options', () => {
  it('gives the process the requested priority', () => {
    const { rt } = startRuntime();
    expect(rt.processInfo(rt.spawn(blockForever, { priority: 'high' }))?.priority).toBe('high');
    expect(rt.processInfo(rt.spawn(blockForever))?.priority).toBe('normal');
  });

  it('registers the name before the process runs', async () => {
    const { rt } = startRuntime();
    const seen: unknown[] = [];
    const pid = rt.spawn((self) => void seen.push(self.whereis('early')?.equals(self.pid)), { name: 'early' });
    expect(rt.whereis('early')).toEqual(pid);
    expect(rt.processInfo(pid)?.status).toBe('runnable');
    await rt.idle();
    expect(seen).toEqual([true]);
  });

  it('throws BadArgError for a taken name and leaves no process behind', async () => {
    const { rt } = startRuntime();
    const holder = rt.spawn(blockForever, { name: 'taken' });
    const ran: string[] = [];
    const before = rt.processes();
    expect(() => rt.spawn(() => void ran.push('ran'), { name: 'taken' })).toThrow(BadArgError);
    await rt.idle();
    expect(rt.processes()).toEqual(before);
    expect(rt.whereis('taken')).toEqual(holder);
    expect(ran).toEqual([]);
  });

  it('leaves no link behind when spawnLink fails on a taken name', async () => {
    const { rt } = startRuntime();
    rt.spawn(blockForever, { name: 'taken' });
    const errors: unknown[] = [];
    const parent = rt.spawn(function* (self) {
      try {
        self.spawnLink(blockForever, { name: 'taken' });
      } catch (error) {
        errors.push(error);
      }
      yield* self.receive();
    });
    await rt.idle();
    expect(errors[0]).toBeInstanceOf(BadArgError);
    expect(rt.processInfo(parent)?.links).toEqual([]);
    expect(rt.processCount).toBe(2);
  });

  it('starts the process trapping exits with trapExit: true', async () => {
    const { rt } = startRuntime();
    const seen: boolean[] = [];
    const pid = rt.spawn(
      function* (self) {
        seen.push(self.trappingExits);
        yield* self.receive();
      },
      { trapExit: true },
    );
    await rt.idle();
    expect(seen).toEqual([true]);
    expect(rt.processInfo(pid)?.trapExit).toBe(true);
  });

  it.each<[string, unknown]>([
    ['priority', { priority: 'urgent' }],
    ['trapExit', { trapExit: 'yes' }],
    ['mailbox.max', { mailbox: { max: 0 } }],
    ['mailbox.max', { mailbox: { max: 2.5 } }],
    ['mailbox.overflow', { mailbox: { max: 2, overflow: 'spill' } }],
    ['name', { name: '' }],
  ])('throws a TypeError naming %s for a bad value, leaving no process behind', (option, options) => {
    const { rt } = startRuntime();
    let thrown: unknown;
    try {
      rt.spawn(blockForever, options as SpawnOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain(option);
    expect(rt.processCount).toBe(0);
  });

  it('throws a TypeError for a body that is neither a function nor a handler object', () => {
    const { rt } = startRuntime();
    expect(() => rt.spawn({ init() {} } as never)).toThrow(TypeError);
    expect(() => rt.spawn(42 as never)).toThrow(/body/);
  });
});

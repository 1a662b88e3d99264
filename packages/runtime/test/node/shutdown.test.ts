// Runtime.shutdown stops the system like Erlang's init:stop: root processes get an exit
// signal `shutdown` from the runtime (<0.0.0>), trees stop in order, the rest is killed.
import { afterEach, describe, expect, it } from 'vitest';
import { isExitMessage } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('Runtime.shutdown', () => {
  it('sends shutdown from the runtime pid to a root that traps exits, and lets it finish', async () => {
    const { rt } = startRuntime();
    const seen: unknown[] = [];
    rt.spawn(
      function* (self) {
        const exit = yield* self.receive(isExitMessage);
        seen.push(exit.from.equals(rt.systemPid), exit.reason, 'cleaned up');
      },
      { trapExit: true },
    );
    await rt.idle();
    await rt.shutdown();
    expect(String(rt.systemPid)).toBe('<0.0.0>');
    expect(seen).toEqual([true, 'shutdown', 'cleaned up']);
    expect(rt.processCount).toBe(0);
  });

  it('stops a root and, through the link, its non-trapping child with reason shutdown', async () => {
    const { rt } = startRuntime();
    const reasons: unknown[] = [];
    rt.events.on('exit', (_pid, reason) => reasons.push(reason));
    rt.spawn(function* (self) {
      self.spawnLink(function* (child) {
        yield* child.receive();
      });
      yield* self.receive();
    });
    await rt.idle();
    await rt.shutdown();
    expect(reasons).toEqual(['shutdown', 'shutdown']);
  });

  it('tells an unlinked process spawned by another one too: it tops a tree of its own', async () => {
    const { rt } = startRuntime();
    const reasons: unknown[] = [];
    rt.events.on('exit', (_pid, reason) => reasons.push(reason));
    rt.spawn(function* (self) {
      self.spawn(function* (orphan) {
        yield* orphan.receive();
      });
      yield* self.receive();
    });
    await rt.idle();
    await rt.shutdown();
    expect(reasons).toEqual(['shutdown', 'shutdown']);
  });

  it('kills what is left once nothing can progress: a process that ignores shutdown', async () => {
    const { rt } = startRuntime();
    const reasons: unknown[] = [];
    rt.events.on('exit', (_pid, reason) => reasons.push(reason));
    rt.spawn(
      function* (self) {
        for (;;) yield* self.receive();
      },
      { trapExit: true },
    );
    await rt.idle();
    await rt.shutdown();
    expect(reasons).toEqual(['killed']);
    expect(rt.processCount).toBe(0);
  });

  it('names the bad grace period', () => {
    const { rt } = startRuntime();
    expect(() => rt.shutdown({ graceMs: -1 })).toThrow(/graceMs/);
  });
});

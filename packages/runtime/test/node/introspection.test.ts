// Introspection: processes, processInfo, messages and the runtime's events.
import { afterEach, describe, expect, it } from 'vitest';
import type { ExitReason, Pid, Ref } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

describe('introspection', () => {
  it('lists the live processes and counts them', async () => {
    const { rt } = startRuntime();
    const a = rt.spawn(blockForever);
    const b = rt.spawn(blockForever);
    const brief = rt.spawn(() => {});
    expect(rt.processes()).toEqual([a, b, brief]);
    expect(rt.processCount).toBe(3);
    await rt.idle();
    expect(rt.processes()).toEqual([a, b]);
    expect(rt.processCount).toBe(2);
  });

  it('reports a process that has not run yet as runnable', () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever);
    expect(rt.processInfo(pid)).toMatchObject({ pid, status: 'runnable', kind: 'not started', waitingFor: undefined });
  });

  it('reports a process blocked in a receive with a timeout as waiting, with the timeout', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(function* (self) {
      yield* self.receive((m) => m === 'wanted', { after: 5000 });
    });
    rt.send(pid, 'unwanted');
    rt.send(pid, 'also unwanted');
    await rt.idle();
    const info = rt.processInfo(pid)!;
    expect(info.status).toBe('waiting');
    expect(info.kind).toBe('generator');
    expect(info.waitingFor).toMatch(/after 5000 ms/);
    expect(info.messageQueueLength).toBe(2);
  });

  it('describes a receive without timeout and the kind of an async body', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(async (self) => {
      await self.receive();
    });
    await rt.idle();
    expect(rt.processInfo(pid)).toMatchObject({ kind: 'async', status: 'waiting', waitingFor: 'receive any message' });
  });

  it('reports name, trapExit, priority, links, monitors and monitoredBy', async () => {
    const { rt } = startRuntime();
    const other = rt.spawn(blockForever);
    let ref: Ref | undefined;
    const pid = rt.spawn(
      function* (self) {
        self.link(other);
        ref = self.monitor(other);
        yield* self.receive();
      },
      { name: 'inspected', trapExit: true, priority: 'low' },
    );
    const watcher = rt.spawn(function* (self) {
      self.monitor(pid);
      yield* self.receive();
    });
    await rt.idle();
    expect(rt.processInfo(pid)).toMatchObject({
      pid,
      name: 'inspected',
      trapExit: true,
      priority: 'low',
      links: [other],
      monitors: [{ ref, target: other }],
      monitoredBy: [watcher],
    });
  });

  it('counts reductions as a process works', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(function* (self) {
      for (;;) yield* self.receive();
    });
    await rt.idle();
    const before = rt.processInfo(pid)!.reductions;
    for (let i = 0; i < 10; i++) rt.send(pid, i);
    await rt.idle();
    expect(rt.processInfo(pid)!.reductions).toBeGreaterThanOrEqual(before + 10);
  });

  it("gives a process the runtime's clock, its reading and the runtime's logger", async () => {
    const { rt, clock, log } = startRuntime();
    const seen: unknown[] = [];
    rt.spawn(function* (self) {
      yield* self.sleep(25);
      seen.push(self.now(), self.clock === clock, self.logger === log, rt.logger === log);
    });
    await clock.advance(25);
    expect(seen).toEqual([25, true, true, true]);
  });

  it('answers undefined for a process that has ended', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(() => {});
    await rt.idle();
    expect(rt.processInfo(pid)).toBeUndefined();
    expect(rt.messages(pid)).toBeUndefined();
    expect(rt.isAlive(pid)).toBe(false);
  });

  it('returns a copy of the queued messages, oldest first', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever);
    rt.send(pid, 'a');
    rt.send(pid, 'b');
    const copy = rt.messages(pid)!;
    copy.pop();
    expect(rt.messages(pid)).toEqual(['a', 'b']);
  });

  it("emits 'spawn' with the parent, or undefined from outside any process", async () => {
    const { rt } = startRuntime();
    const spawns: [Pid, Pid | undefined][] = [];
    rt.events.on('spawn', (pid, parent) => spawns.push([pid, parent]));
    let child: Pid | undefined;
    const parent = rt.spawn((self) => {
      child = self.spawn(() => {});
    });
    await rt.idle();
    expect(spawns).toEqual([
      [parent, undefined],
      [child, parent],
    ]);
  });

  it("emits 'exit' with the pid and the reason", async () => {
    const { rt } = startRuntime();
    const exits: [Pid, ExitReason][] = [];
    rt.events.on('exit', (pid, reason) => exits.push([pid, reason]));
    const quick = rt.spawn((self) => self.exit('quick'));
    const victim = rt.spawn(blockForever);
    await rt.idle();
    rt.exit(victim, 'kill');
    expect(exits).toEqual([
      [quick, 'quick'],
      [victim, 'killed'],
    ]);
  });
});

// Monitors: DOWN messages, noproc for dead or unknown targets, names, demonitor and flush.
import { afterEach, describe, expect, it } from 'vitest';
import { isDownMessage, type Ref } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

describe('monitors', () => {
  it('delivers DOWN with noproc at once when the target is already dead', async () => {
    const { rt } = startRuntime();
    const dead = rt.spawn(() => {});
    await rt.idle();
    const got: unknown[] = [];
    let ref: Ref | undefined;
    rt.spawn(function* (self) {
      ref = self.monitor(dead);
      got.push(yield* self.receive({ after: 0 }));
    });
    await rt.idle();
    expect(got).toEqual([{ kind: 'DOWN', ref, target: dead, reason: 'noproc' }]);
  });

  it('delivers DOWN with noproc and target {name, node} for an unregistered name', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    let ref: Ref | undefined;
    rt.spawn(function* (self) {
      ref = self.monitor('nobody');
      got.push(yield* self.receive({ after: 0 }));
    });
    await rt.idle();
    expect(got).toEqual([{ kind: 'DOWN', ref, target: { name: 'nobody', node: rt.nodeName }, reason: 'noproc' }]);
  });

  it('delivers DOWN with noproc for {name, node} naming an unregistered local name', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      self.monitor({ name: 'nobody', node: self.node });
      got.push(yield* self.receive({ after: 0 }));
    });
    await rt.idle();
    expect(got).toMatchObject([{ kind: 'DOWN', target: { name: 'nobody', node: rt.nodeName }, reason: 'noproc' }]);
  });

  it('reports a target monitored by name as {name, node} when it ends', async () => {
    const { rt } = startRuntime();
    const named = rt.spawn(function* (self) {
      yield* self.receive();
    }, { name: 'server' });
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      self.monitor('server');
      self.monitor({ name: 'server', node: self.node });
      for (;;) got.push(yield* self.receive());
    });
    await rt.idle();
    rt.send(named, 'stop');
    await rt.idle();
    const expected = { kind: 'DOWN', target: { name: 'server', node: rt.nodeName }, reason: 'normal' };
    expect(got).toMatchObject([expected, expected]);
  });

  it('gives each monitor of the same target its own DOWN', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    const refs: Ref[] = [];
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      refs.push(self.monitor(target), self.monitor(target));
      for (;;) got.push(yield* self.receive());
    });
    await rt.idle();
    rt.exit(target, 'bye');
    await rt.idle();
    expect(refs[0]!.equals(refs[1])).toBe(false);
    expect(got).toEqual(refs.map((ref) => ({ kind: 'DOWN', ref, target, reason: 'bye' })));
  });

  it('sends no DOWN after demonitor, which reports that the monitor was active', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    const results: boolean[] = [];
    const watcher = rt.spawn(function* (self) {
      const ref = self.monitor(target);
      results.push(self.demonitor(ref), self.demonitor(ref));
      yield* self.receive();
    });
    await rt.idle();
    expect(rt.processInfo(target)?.monitoredBy).toEqual([]);
    rt.exit(target, 'bye');
    await rt.idle();
    expect(results).toEqual([true, false]);
    expect(rt.messages(watcher)).toEqual([]);
  });

  it('removes an already-queued DOWN with demonitor flush', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    const results: unknown[] = [];
    const watcher = rt.spawn(function* (self) {
      const ref = self.monitor(target);
      self.send(self.pid, 'before');
      yield* self.receive((m) => m === 'target is dead');
      results.push(rt.messages(self.pid)!.filter((m) => isDownMessage(m, ref)).length);
      results.push(self.demonitor(ref, { flush: true }));
      yield* self.receive(() => false);
    });
    await rt.idle();
    rt.exit(target, 'bye');
    rt.send(watcher, 'target is dead');
    await rt.idle();
    expect(results).toEqual([1, false]);
    expect(rt.messages(watcher)).toEqual(['before']);
  });

  it('flushes a queued DOWN after newer refs moved the mailbox mark, leaving older messages', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    const watcher = rt.spawn(function* (self) {
      for (let i = 0; i < 100; i++) self.send(self.pid, i);
      const ref = self.monitor(target);
      self.makeRef();
      yield* self.receive((m) => m === 'target is dead');
      self.demonitor(ref, { flush: true });
      yield* self.receive(() => false);
    });
    await rt.idle();
    rt.exit(target, 'bye');
    rt.send(watcher, 'target is dead');
    await rt.idle();
    expect(rt.messages(watcher)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('leaves an already-queued DOWN in place with a demonitor without flush', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    let ref: Ref | undefined;
    const watcher = rt.spawn(function* (self) {
      ref = self.monitor(target);
      yield* self.receive((m) => m === 'target is dead');
      self.demonitor(ref);
      yield* self.receive(() => false);
    });
    await rt.idle();
    rt.exit(target, 'bye');
    rt.send(watcher, 'target is dead');
    await rt.idle();
    expect(rt.messages(watcher)).toEqual([{ kind: 'DOWN', ref, target, reason: 'bye' }]);
  });

  it('lists monitors on both sides and drops them when the watcher dies', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    let ref: Ref | undefined;
    const watcher = rt.spawn(function* (self) {
      ref = self.monitor(target);
      yield* self.receive();
    });
    await rt.idle();
    expect(rt.processInfo(watcher)?.monitors).toEqual([{ ref, target }]);
    expect(rt.processInfo(target)?.monitoredBy).toEqual([watcher]);
    rt.send(watcher, 'stop');
    await rt.idle();
    expect(rt.processInfo(target)?.monitoredBy).toEqual([]);
  });

  it('throws a TypeError for a target that is not a pid, name or {name, node}', async () => {
    const { rt } = startRuntime();
    const errors: unknown[] = [];
    rt.spawn((self) => {
      try {
        self.monitor(42 as unknown as string);
      } catch (error) {
        errors.push(error);
      }
    });
    await rt.idle();
    expect(errors[0]).toBeInstanceOf(TypeError);
  });
});

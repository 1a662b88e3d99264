// Monitor tables that grow past 8 entries and shrink again, DOWN order, unknown refs and
// remote keys.
import { afterEach, describe, expect, it } from 'vitest';
import { Pid, Ref, isDownMessage, type RemoteRoute } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

function noopRoute(): RemoteRoute {
  const noop = (): void => {};
  return { send: noop, sendNamed: noop, link: noop, unlink: noop, exit: noop, monitor: noop, demonitor: noop, down: noop };
}

describe('monitor tables past eight entries', () => {
  it('DOWNs of many monitors of one target arrive in monitor order, without the demonitored ones (as erl does)', async () => {
    // erl: Refs = [monitor(process, P) || _ <- lists:seq(1,12)], demonitor(lists:nth(3, Refs)),
    // P ! stop → the DOWN refs arrive in the order of Refs minus the third.
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    const refs: Ref[] = [];
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      for (let i = 0; i < 12; i++) refs.push(self.monitor(target));
      self.demonitor(refs[2]!);
      for (;;) got.push(yield* self.receive());
    });
    await rt.idle();
    expect(rt.processInfo(target)?.monitoredBy).toHaveLength(11);
    rt.exit(target, 'bye');
    await rt.idle();
    const expected = refs.filter((_, i) => i !== 2);
    expect(got.map((m) => (m as { ref: Ref }).ref)).toEqual(expected);
  });

  it('a watcher with monitors on 10 processes, shrunk back below 8, gets exactly the DOWNs still active', async () => {
    const { rt } = startRuntime();
    const targets = Array.from({ length: 10 }, () => rt.spawn(blockForever));
    const got: Ref[] = [];
    let refs: Ref[] = [];
    const watcher = rt.spawn(function* (self) {
      refs = targets.map((t) => self.monitor(t));
      for (let i = 0; i < 10; i += 2) expect(self.demonitor(refs[i]!)).toBe(true);
      expect(self.demonitor(refs[0]!)).toBe(false); // twice
      for (;;) got.push(((yield* self.receive()) as { ref: Ref }).ref);
    });
    await rt.idle();
    expect(rt.processInfo(watcher)?.monitors).toHaveLength(5);
    for (const t of targets) rt.exit(t, 'bye');
    await rt.idle();
    expect(got).toEqual(refs.filter((_, i) => i % 2 === 1));
    expect(rt.processInfo(watcher)?.monitors).toEqual([]);
    for (const t of targets) expect(rt.processInfo(t)).toBeUndefined();
  });

  it('a target watched by 20 processes, 10 of which demonitor, sends DOWN to the other 10 only', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    const downs = new Map<string, number>();
    const watchers = Array.from({ length: 20 }, (_, i) =>
      rt.spawn(function* (self) {
        const ref = self.monitor(target);
        if (i % 2 === 0) self.demonitor(ref);
        for (;;) {
          const m = yield* self.receive();
          if (isDownMessage(m, ref)) downs.set(self.pid.key, (downs.get(self.pid.key) ?? 0) + 1);
        }
      }),
    );
    await rt.idle();
    expect(rt.processInfo(target)?.monitoredBy).toEqual(watchers.filter((_, i) => i % 2 === 1));
    rt.exit(target, 'bye');
    await rt.idle();
    expect([...downs.keys()].sort()).toEqual(watchers.filter((_, i) => i % 2 === 1).map((p) => p.key).sort());
    expect([...downs.values()].every((n) => n === 1)).toBe(true);
  });

  it('demonitor of an unknown, a foreign or a remote ref returns false and touches nothing', async () => {
    const { rt } = startRuntime();
    const { nodes } = rt.attachRemote(noopRoute(), 'a@127.0.0.1');
    const target = rt.spawn(blockForever);
    const results: boolean[] = [];
    let otherRef: Ref | undefined;
    rt.spawn(function* (self) {
      otherRef = self.monitor(target);
      yield* self.receive(() => false);
    });
    await rt.idle();
    rt.spawn(function* (self) {
      for (let i = 0; i < 9; i++) self.monitor(target);
      results.push(self.demonitor(rt.makeRef()));
      results.push(self.demonitor(otherRef!));
      results.push(self.demonitor(new Ref(nodes.intern('b@127.0.0.1', 1), otherRef!.id), { flush: true }));
      yield* self.receive(() => false);
    });
    await rt.idle();
    expect(results).toEqual([false, false, false]);
    expect(rt.processInfo(target)?.monitoredBy).toHaveLength(10);
  });

  it('nodeDown fires noconnection for more than eight remote monitors and keeps the local ones', async () => {
    const { rt } = startRuntime();
    const { nodes, endpoint } = rt.attachRemote(noopRoute(), 'a@127.0.0.1');
    const b = nodes.intern('b@127.0.0.1', 1);
    const c = nodes.intern('c@127.0.0.1', 1);
    const local = rt.spawn(blockForever);
    const got: unknown[] = [];
    const bRefs: Ref[] = [];
    const watcher = rt.spawn(function* (self) {
      self.monitor(local);
      for (let i = 0; i < 10; i++) bRefs.push(self.monitor(new Pid(b, i + 1, 0)));
      self.monitor(new Pid(c, 1, 0));
      for (;;) got.push(yield* self.receive());
    });
    await rt.idle();
    endpoint.nodeDown('b@127.0.0.1');
    await rt.idle();
    expect(got.map((m) => (m as { ref: Ref }).ref)).toEqual(bRefs);
    expect(got.every((m) => (m as { reason: unknown }).reason === 'noconnection')).toBe(true);
    expect(rt.processInfo(watcher)?.monitors).toHaveLength(2);
    // Remote watchers keyed by string refs on a local target, > 8 of them.
    for (let i = 0; i < 10; i++) {
      endpoint.monitor(new Pid(i % 2 === 0 ? b : c, 100 + i, 0), local, new Ref(i % 2 === 0 ? b : c, 500 + i));
    }
    expect(rt.processInfo(local)?.monitoredBy).toHaveLength(11);
    endpoint.nodeDown('b@127.0.0.1');
    expect(rt.processInfo(local)?.monitoredBy).toHaveLength(6);
  });
});

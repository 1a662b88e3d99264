// Aliases: refs that route messages to a process until they are deactivated.
import { afterEach, describe, expect, it } from 'vitest';
import type { Ref } from '@troupe/runtime';
import { spawnProbe, startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

describe('aliases', () => {
  it('routes messages sent to a monitor alias to the monitoring process until demonitor', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    const got: unknown[] = [];
    let alias: Ref | undefined;
    const watcher = rt.spawn(function* (self) {
      alias = self.monitor(target, { alias: true });
      got.push(yield* self.receive());
      self.demonitor(alias);
      got.push(yield* self.receive());
    });
    await rt.idle();
    rt.send(alias!, 'via alias');
    await rt.idle();
    expect(got).toEqual(['via alias']);
    rt.send(alias!, 'after demonitor');
    await rt.idle();
    expect(got).toEqual(['via alias']);
    expect(rt.messages(watcher)).toEqual([]);
  });

  it('deactivates a monitor alias when the DOWN arrives', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    let alias: Ref | undefined;
    const watcher = rt.spawn(function* (self) {
      alias = self.monitor(target, { alias: true });
      yield* self.receive(() => false);
    });
    await rt.idle();
    rt.exit(target, 'bye');
    rt.send(alias!, 'too late');
    await rt.idle();
    expect(rt.messages(watcher)).toEqual([{ kind: 'DOWN', ref: alias, target, reason: 'bye' }]);
  });

  it('leaves no alias behind when the monitored process is already gone (DOWN noproc at once)', async () => {
    const { rt } = startRuntime();
    const gone = rt.spawn(() => {});
    await rt.idle();
    const got: unknown[] = [];
    let alias: Ref | undefined;
    const watcher = rt.spawn(function* (self) {
      alias = self.monitor(gone, { alias: true });
      got.push((yield* self.receive()) as { kind: string });
      got.push(yield* self.receive({ after: 0 }));
      yield* self.receive();
    });
    await rt.idle();
    rt.send(alias!, 'late');
    await rt.idle();
    expect(got).toEqual([expect.objectContaining({ kind: 'DOWN', reason: 'noproc' }), expect.anything()]);
    expect(rt.messages(watcher)).toEqual([]);
  });

  it('lets unalias deactivate a monitor alias, as Erlang allows', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    let answers: boolean[] = [];
    let alias: Ref | undefined;
    const watcher = rt.spawn(function* (self) {
      alias = self.monitor(target, { alias: true });
      answers = [self.unalias(alias), self.unalias(alias)];
      yield* self.receive();
    });
    await rt.idle();
    rt.send(alias!, 'dropped');
    await rt.idle();
    expect(answers).toEqual([true, false]);
    expect(rt.messages(watcher)).toEqual([]);
  });

  it('does not make a plain monitor ref an alias', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    let ref: Ref | undefined;
    const watcher = rt.spawn(function* (self) {
      ref = self.monitor(target);
      yield* self.receive(() => false);
    });
    await rt.idle();
    rt.send(ref!, 'not routed');
    await rt.idle();
    expect(rt.messages(watcher)).toEqual([]);
  });

  it('routes messages to self.alias() until unalias, which reports whether it was active', async () => {
    const { rt } = startRuntime();
    let alias: Ref | undefined;
    const results: boolean[] = [];
    const pid = rt.spawn(function* (self) {
      alias = self.alias();
      yield* self.receive((m) => m === 'first');
      results.push(self.unalias(alias), self.unalias(alias));
      yield* self.receive(() => false);
    });
    await rt.idle();
    rt.send(alias!, 'first');
    await rt.idle();
    rt.send(alias!, 'second');
    await rt.idle();
    expect(results).toEqual([true, false]);
    expect(rt.messages(pid)).toEqual([]);
  });

  it('takes messages to an alias from other processes too', async () => {
    const { rt } = startRuntime();
    const probe = spawnProbe(rt);
    let alias: Ref | undefined;
    rt.spawn(function* (self) {
      alias = self.alias();
      self.send(probe.pid, alias);
      for (;;) self.send(probe.pid, ['echo', yield* self.receive()]);
    });
    await rt.idle();
    rt.spawn((self) => self.send(probe.received[0] as Ref, 'hello'));
    await rt.idle();
    expect(probe.received).toEqual([alias, ['echo', 'hello']]);
  });

  it('drops messages to the alias of a process that has ended', async () => {
    const { rt } = startRuntime();
    let alias: Ref | undefined;
    const pid = rt.spawn((self) => {
      alias = self.alias();
    });
    await rt.idle();
    expect(rt.isAlive(pid)).toBe(false);
    expect(() => rt.send(alias!, 'nobody home')).not.toThrow();
  });
});

// Links and exit signals: Erlang's rules for kill/killed, normal, trapExit, noproc,
// unlink and ordering (each case checked on the BEAM).
import { afterEach, describe, expect, it } from 'vitest';
import { NoProcError, type Pid, type ProcessContext } from '@troupe/runtime';
import { recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

/** A body that links to the pid it is sent first, then records everything it receives. */
function linker(got: unknown[]) {
  return function* (self: ProcessContext) {
    const { link } = (yield* self.receive()) as { link: Pid };
    self.link(link);
    for (;;) got.push(yield* self.receive());
  };
}

describe('exit signals', () => {
  it("ends a trapping process hit by exit(pid, 'kill') with killed, and its links see killed", async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const got: unknown[] = [];
    const victim = rt.spawn(blockForever, { trapExit: true });
    const watcher = rt.spawn(linker(got), { trapExit: true });
    rt.send(watcher, { link: victim });
    await rt.idle();
    rt.exit(victim, 'kill');
    await rt.idle();
    expect(exits.get(victim.key)).toBe('killed');
    expect(got).toEqual([{ kind: 'EXIT', from: victim, reason: 'killed' }]);
  });

  it("lets links and monitors of a process that calls self.exit('kill') see kill, not killed", async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const quitter = rt.spawn(function* (self) {
      yield* self.receive();
      self.exit('kill');
    });
    const watcher = rt.spawn(linker(got), { trapExit: true });
    rt.send(watcher, { link: quitter });
    let ref;
    rt.spawn(function* (self) {
      ref = self.monitor(quitter);
      got.push(yield* self.receive());
    });
    await rt.idle();
    rt.send(quitter, 'go');
    await rt.idle();
    expect(got).toContainEqual({ kind: 'EXIT', from: quitter, reason: 'kill' });
    expect(got).toContainEqual({ kind: 'DOWN', ref, target: quitter, reason: 'kill' });
  });

  it("ends a non-trapping link partner of a process that calls self.exit('kill') with kill", async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const quitter = rt.spawn(function* (self) {
      yield* self.receive();
      self.exit('kill');
    });
    const partner = rt.spawn(linker([]));
    rt.send(partner, { link: quitter });
    await rt.idle();
    rt.send(quitter, 'go');
    await rt.idle();
    expect(exits.get(partner.key)).toBe('kill');
  });

  it("ends a process that sends exit(self, 'kill') to itself with killed", async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn((self) => self.exit(self.pid, 'kill'));
    await rt.idle();
    expect(exits.get(pid.key)).toBe('killed');
  });

  it("ends a non-trapping process that sends exit(self, 'normal') with normal, at once", async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const after: string[] = [];
    const pid = rt.spawn(function* (self) {
      self.exit(self.pid, 'normal');
      after.push('still running');
      yield* self.receive();
    });
    await rt.idle();
    expect(exits.get(pid.key)).toBe('normal');
    expect(after).toEqual([]);
  });

  it("delivers exit(self, 'normal') in a trapping process as an EXIT message from itself", async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const pid = rt.spawn(
      function* (self) {
        self.exit(self.pid, 'normal');
        got.push(yield* self.receive());
      },
      { trapExit: true },
    );
    await rt.idle();
    expect(got).toEqual([{ kind: 'EXIT', from: pid, reason: 'normal' }]);
  });

  it("ignores exit(other, 'normal') on a non-trapping other", async () => {
    const { rt } = startRuntime();
    const other = rt.spawn(blockForever);
    rt.spawn((self) => self.exit(other, 'normal'));
    await rt.idle();
    expect(rt.isAlive(other)).toBe(true);
    expect(rt.messages(other)).toEqual([]);
  });

  it("delivers exit(other, 'normal') to a trapping other as an EXIT message", async () => {
    const { rt } = startRuntime();
    const other = rt.spawn(blockForever, { trapExit: true });
    const sender = rt.spawn((self) => self.exit(other, 'normal'));
    await rt.idle();
    expect(rt.messages(other)).toEqual([{ kind: 'EXIT', from: sender, reason: 'normal' }]);
  });

  it('delivers an exit from outside any process as coming from <0.0.0>', async () => {
    const { rt } = startRuntime();
    const other = rt.spawn(blockForever, { trapExit: true });
    rt.exit(other, 'stop_please');
    await rt.idle();
    const [message] = rt.messages(other) as { from: unknown; reason: unknown }[];
    expect(String(message!.from)).toBe('<0.0.0>');
    expect(message!.reason).toBe('stop_please');
  });
});

describe('links', () => {
  it('throws NoProcError from link to a dead pid when not trapping exits', async () => {
    const { rt } = startRuntime();
    const dead = rt.spawn(() => {});
    await rt.idle();
    const errors: unknown[] = [];
    rt.spawn((self) => {
      try {
        self.link(dead);
      } catch (error) {
        errors.push(error);
      }
    });
    await rt.idle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(NoProcError);
    expect((errors[0] as NoProcError).code).toBe('noproc');
  });

  it('delivers an EXIT noproc message for a link to a dead pid when trapping exits', async () => {
    const { rt } = startRuntime();
    const dead = rt.spawn(() => {});
    await rt.idle();
    const got: unknown[] = [];
    const pid = rt.spawn(
      function* (self) {
        self.link(dead);
        got.push(yield* self.receive());
      },
      { trapExit: true },
    );
    await rt.idle();
    expect(got).toEqual([{ kind: 'EXIT', from: dead, reason: 'noproc' }]);
    expect(rt.isAlive(pid)).toBe(false);
  });

  it('works both ways: the process that was linked to dies with the linker', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const passive = rt.spawn(blockForever);
    const active = rt.spawn(function* (self) {
      self.link(passive);
      yield* self.receive();
      throw new Error('linker crashed');
    });
    await rt.idle();
    rt.send(active, 'crash');
    await rt.idle();
    expect(exits.get(passive.key)).toMatchObject({ kind: 'error' });
  });

  it('shows a link on both sides, once, however often it was made', async () => {
    const { rt } = startRuntime();
    const other = rt.spawn(blockForever);
    const seenBySelf: unknown[] = [];
    const pid = rt.spawn(function* (self) {
      self.link(other);
      self.link(other);
      self.link(self.pid);
      yield* self.receive();
      seenBySelf.push(self.links());
    });
    await rt.idle();
    expect(rt.processInfo(pid)?.links).toEqual([other]);
    expect(rt.processInfo(other)?.links).toEqual([pid]);
    rt.send(pid, 'report');
    await rt.idle();
    expect(seenBySelf).toEqual([[other]]);
  });

  it('stops propagation after unlink: a trapping process gets no EXIT', async () => {
    const { rt } = startRuntime();
    const other = rt.spawn(function* (self) {
      yield* self.receive();
      throw new Error('crash after unlink');
    });
    const got: unknown[] = [];
    const pid = rt.spawn(
      function* (self) {
        self.link(other);
        self.unlink(other);
        for (;;) got.push(yield* self.receive());
      },
      { trapExit: true },
    );
    await rt.idle();
    expect(rt.processInfo(other)?.links).toEqual([]);
    rt.send(other, 'crash');
    await rt.idle();
    expect(got).toEqual([]);
    expect(rt.isAlive(pid)).toBe(true);
  });

  it('stops propagation after unlink: a non-trapping process survives', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever);
    const other = rt.spawn(function* (self) {
      self.link(pid);
      self.unlink(pid);
      throw new Error('crash after unlink');
    });
    await rt.idle();
    expect(rt.isAlive(other)).toBe(false);
    expect(rt.isAlive(pid)).toBe(true);
  });

  it('delivers messages sent before an exit ahead of the EXIT message', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    let child;
    rt.spawn(
      function* (self) {
        const parent = self.pid;
        child = self.spawnLink((me) => {
          me.send(parent, 'a');
          me.send(parent, 'b');
          me.exit('done_badly');
        });
        for (;;) got.push(yield* self.receive());
      },
      { trapExit: true },
    );
    await rt.idle();
    expect(got).toEqual(['a', 'b', { kind: 'EXIT', from: child, reason: 'done_badly' }]);
  });
});

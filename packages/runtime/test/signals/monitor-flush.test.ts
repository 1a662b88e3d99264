// A monitor of a target that is already gone queues its DOWN at once; the mailbox mark
// must come first, so `demonitor(ref, {flush: true})` and a receive `since` the ref both
// find it (Erlang: `R = monitor(process, Dead), demonitor(R, [flush])` leaves the mailbox empty).
import { afterEach, describe, expect, it } from 'vitest';
import { NodeHandle, Pid, TIMEOUT, isDownMessage } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('demonitor flush of a DOWN queued by monitor() itself', () => {
  it('removes the noproc DOWN of a monitor of a dead pid', async () => {
    const { rt } = startRuntime();
    const dead = rt.spawn(() => {});
    await rt.idle();
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      const ref = self.monitor(dead);
      got.push(self.demonitor(ref, { flush: true }));
      got.push(yield* self.receive({ after: 0 }));
    });
    await rt.idle();
    expect(got).toEqual([false, TIMEOUT]);
  });

  it('removes the noproc DOWN of a monitor of an unregistered name, leaving older messages', async () => {
    const { rt } = startRuntime();
    let left: unknown[] | undefined;
    rt.spawn(function* (self) {
      self.send(self.pid, 'older');
      const ref = self.monitor('nobody', { alias: true });
      self.demonitor(ref, { flush: true });
      left = rt.messages(self.pid);
    });
    await rt.idle();
    expect(left).toEqual(['older']);
  });

  it('removes the noconnection DOWN of a monitor of a remote pid with no distribution attached', async () => {
    const { rt } = startRuntime();
    const remote = new Pid(new NodeHandle('b@127.0.0.1', 1, 1), 1, 0);
    let left: unknown[] | undefined;
    rt.spawn(function* (self) {
      const ref = self.monitor(remote);
      self.demonitor(ref, { flush: true });
      left = rt.messages(self.pid);
    });
    await rt.idle();
    expect(left).toEqual([]);
  });

  it('a call-shaped wait (monitor with alias, receive since the ref, timeout, demonitor flush) leaves no DOWN behind', async () => {
    // What @troupe/otp's call does (request.ts openRequest/readAnswer, call-in-process.ts).
    const { rt, clock } = startRuntime();
    const dead = rt.spawn(() => {});
    await rt.idle();
    const got: unknown[] = [];
    const caller = rt.spawn(function* (self) {
      const tag = self.monitor(dead, { alias: true });
      const answer = yield* self.receive((m) => isDownMessage(m, tag), { after: 1000, since: tag });
      if (answer === TIMEOUT) self.demonitor(tag, { flush: true });
      got.push(answer === TIMEOUT ? 'timeout' : 'down');
      yield* self.receive(() => false);
    });
    await rt.idle();
    await clock.advance(1000);
    // Erlang's gen_server:call to a dead pid exits with noproc at once; at the very least
    // the DOWN must not be left behind in the caller's mailbox.
    expect(rt.messages(caller)).toEqual([]);
    expect(got).toEqual(['down']);
  });
});

describe('receive since a monitor ref (pre-existing, same root cause)', () => {
  it('finds the noproc DOWN that monitor() queued before marking the mailbox', async () => {
    const { rt } = startRuntime();
    const dead = rt.spawn(() => {});
    await rt.idle();
    const got: unknown[] = [];
    rt.spawn(function* (self) {
      const ref = self.monitor(dead);
      got.push(yield* self.receive((m) => isDownMessage(m, ref), { after: 0, since: ref }));
    });
    await rt.idle();
    expect(got).toMatchObject([{ kind: 'DOWN', target: dead, reason: 'noproc' }]);
  });
});

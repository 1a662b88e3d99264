// Bounded mailboxes (spawn option `mailbox: {max, overflow}`), one test per overflow policy.
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

describe('bounded mailbox', () => {
  it('keeps the first N messages and drops the newest under drop_newest', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever, { mailbox: { max: 3, overflow: 'drop_newest' } });
    for (let i = 1; i <= 5; i++) rt.send(pid, i);
    await rt.idle();
    expect(rt.messages(pid)).toEqual([1, 2, 3]);
  });

  it('uses drop_newest when no overflow policy is given', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever, { mailbox: { max: 2 } });
    for (let i = 1; i <= 4; i++) rt.send(pid, i);
    await rt.idle();
    expect(rt.messages(pid)).toEqual([1, 2]);
  });

  it('keeps the last N messages and drops the oldest under drop_oldest', async () => {
    const { rt } = startRuntime();
    const pid = rt.spawn(blockForever, { mailbox: { max: 3, overflow: 'drop_oldest' } });
    for (let i = 1; i <= 5; i++) rt.send(pid, i);
    await rt.idle();
    expect(rt.messages(pid)).toEqual([3, 4, 5]);
  });

  it('ends the process with {kind: mailbox_overflow, limit} under exit', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn(blockForever, { mailbox: { max: 3, overflow: 'exit' } });
    for (let i = 1; i <= 3; i++) rt.send(pid, i);
    await rt.idle();
    expect(rt.isAlive(pid)).toBe(true);
    rt.send(pid, 4);
    await rt.idle();
    expect(rt.isAlive(pid)).toBe(false);
    expect(exits.get(pid.key)).toEqual({ kind: 'mailbox_overflow', limit: 3 });
  });

  it('drops even the message the process waits for while the mailbox is full of others', async () => {
    const { rt } = startRuntime();
    const got: unknown[] = [];
    const pid = rt.spawn(
      function* (self) {
        got.push(yield* self.receive((m) => m === 'go'));
      },
      { mailbox: { max: 2 } },
    );
    rt.send(pid, 'a');
    rt.send(pid, 'b');
    rt.send(pid, 'go');
    await rt.idle();
    expect(got).toEqual([]);
    expect(rt.messages(pid)).toEqual(['a', 'b']);
  });

  it('accepts messages again once the process has consumed the queued ones', async () => {
    const { rt } = startRuntime();
    const gate = deferred();
    const got: unknown[] = [];
    const pid = rt.spawn(
      function* (self) {
        yield* self.await(gate.promise);
        for (;;) got.push(yield* self.receive());
      },
      { mailbox: { max: 2 } },
    );
    for (const m of ['a', 'b', 'c']) rt.send(pid, m);
    gate.resolve();
    await rt.idle();
    expect(got).toEqual(['a', 'b']);
    rt.send(pid, 'd');
    await rt.idle();
    expect(got).toEqual(['a', 'b', 'd']);
  });
});

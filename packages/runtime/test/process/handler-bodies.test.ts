// Handler-object bodies ({init, handle}): driven message by message by the scheduler.
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('handler bodies', () => {
  it('calls init once with self before handling any message', async () => {
    const { rt } = startRuntime();
    const calls: unknown[] = [];
    const pid = rt.spawn({
      init(self) {
        calls.push(['init', self.pid]);
      },
      handle(message) {
        calls.push(['handle', message]);
      },
    });
    rt.send(pid, 'first');
    await rt.idle();
    expect(calls).toEqual([['init', pid], ['handle', 'first']]);
  });

  it('calls handle once per message, in arrival order, with self', async () => {
    const { rt } = startRuntime();
    const seen: unknown[] = [];
    const pid = rt.spawn({
      handle(message, self) {
        seen.push([message, self.pid.equals(pid)]);
      },
    });
    for (const m of [1, 2, 3]) rt.send(pid, m);
    await rt.idle();
    expect(seen).toEqual([[1, true], [2, true], [3, true]]);
    expect(rt.processInfo(pid)?.status).toBe('waiting');
  });

  it('handles no message before a promise returned by init settles', async () => {
    const { rt } = startRuntime();
    const ready = deferred();
    const seen: unknown[] = [];
    const pid = rt.spawn({ init: () => ready.promise, handle: (message) => void seen.push(message) });
    rt.send(pid, 'early');
    await rt.idle();
    expect(seen).toEqual([]);
    expect(rt.processInfo(pid)).toMatchObject({ status: 'suspended', waitingFor: 'init callback', messageQueueLength: 1 });
    ready.resolve();
    await rt.idle();
    expect(seen).toEqual(['early']);
  });

  it('suspends while a promise returned by handle settles, queueing messages, then goes on in order', async () => {
    const { rt } = startRuntime();
    const gate = deferred();
    const seen: unknown[] = [];
    const pid = rt.spawn({
      handle(message) {
        seen.push(message);
        if (message === 'slow') return gate.promise;
      },
    });
    for (const m of ['slow', 'a', 'b']) rt.send(pid, m);
    await rt.idle();
    expect(seen).toEqual(['slow']);
    expect(rt.processInfo(pid)).toMatchObject({ status: 'suspended', waitingFor: 'handler callback' });
    expect(rt.messages(pid)).toEqual(['a', 'b']);
    gate.resolve();
    await rt.idle();
    expect(seen).toEqual(['slow', 'a', 'b']);
  });

  // Regression (fixed in bcbd2d6): marking the process suspended after the call lost the
  // receive the callback had already begun, so self.sleep before the first await hung.
  it('wakes a handle callback that waits in a receive before its first await', async () => {
    const { rt, clock } = startRuntime();
    const seen: unknown[] = [];
    const pid = rt.spawn({
      async handle(message, self) {
        await self.sleep(10);
        seen.push([message, clock.now()]);
        seen.push(await self.receive((m) => m === 'reply'));
      },
    });
    rt.send(pid, 'request');
    await clock.advance(10);
    expect(seen).toEqual([['request', 10]]);
    rt.send(pid, 'reply');
    await rt.idle();
    expect(seen).toEqual([['request', 10], 'reply']);
  });

  it('crashes with an error reason when handle throws', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const boom = new Error('handler failed');
    const pid = rt.spawn({
      handle() {
        throw boom;
      },
    });
    rt.send(pid, 'x');
    await rt.idle();
    expect(exits.get(pid.key)).toMatchObject({ kind: 'error', error: boom });
  });

  it('crashes with an error reason when the promise of handle rejects', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const boom = new Error('async handler failed');
    const pid = rt.spawn({ handle: () => Promise.reject(boom) });
    rt.send(pid, 'x');
    await rt.idle();
    expect(exits.get(pid.key)).toMatchObject({ kind: 'error', error: boom });
  });

  it('crashes with an error reason when init throws', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const boom = new Error('init failed');
    const pid = rt.spawn({
      init() {
        throw boom;
      },
      handle() {},
    });
    await rt.idle();
    expect(exits.get(pid.key)).toMatchObject({ kind: 'error', error: boom });
  });

  it('ends with the reason a handle gives self.exit, leaving later messages unhandled', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const seen: unknown[] = [];
    const pid = rt.spawn({
      handle(message, self) {
        seen.push(message);
        if (message === 'stop') self.exit('stopped');
      },
    });
    for (const m of ['a', 'stop', 'b']) rt.send(pid, m);
    await rt.idle();
    expect(seen).toEqual(['a', 'stop']);
    expect(exits.get(pid.key)).toBe('stopped');
  });
});

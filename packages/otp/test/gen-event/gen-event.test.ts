// OTP rule (stdlib gen_event: add_handler/3, delete_handler/3, swap_handler/3, notify/2,
// sync_notify/2, call/4, which_handlers/1, stop/3, Module:terminate/2): handlers are added newest
// first and each gets every event; a handler whose callback fails or returns a bad value is
// removed alone (terminate gets {error, {'EXIT', R}} / {error, Term}) and the manager carries on;
// delete returns terminate's result; swap passes it to the new handler's init.
// (Checked against erl, OTP 25: duplicates are allowed; notify runs newest first.)
import { describe, expect, it } from 'vitest';
import type { Pid, ProcessContext, Runtime } from '@troupe/runtime';
import { ok, stopInit, sys } from '../../src/index.js';
import { GenEvent } from '../../src/gen-event/gen-event.js';
import { HandlerCallError } from '../../src/errors.js';
import { handlerId, swapHandler, type EventHandler, type SwapInitArgs } from '../../src/gen-event/callbacks.js';
import { recorder, testRuntime, type RecorderTypes } from './fixtures.js';

async function manager(rt: Runtime): Promise<Pid> {
  const started = await GenEvent.start(rt);
  if (started.kind !== 'ok') throw new Error('manager failed to start');
  return started.pid;
}

describe('adding handlers', () => {
  it('runs init, lists handlers newest first and notifies them in that order', async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    expect(await GenEvent.addHandler(rt, m, 'a', recorder(log), 'a')).toEqual({ kind: 'ok' });
    expect(await GenEvent.addHandler(rt, m, 'b', recorder(log), 'b')).toEqual({ kind: 'ok' });
    expect(await GenEvent.whichHandlers(rt, m)).toEqual(['b', 'a']);
    expect(await GenEvent.syncNotify(rt, m, 'hello')).toBe('ok');
    expect(log).toEqual([['a', 'init'], ['b', 'init'], ['b', 'event', 'hello'], ['a', 'event', 'hello']]);
  });

  it('reports a refusing, throwing or misbehaving init and does not add the handler', async () => {
    const { rt } = testRuntime();
    const m = await manager(rt);
    expect(await GenEvent.addHandler(rt, m, 'r', recorder([]), 'refuse')).toEqual({ kind: 'error', reason: 'refused' });
    expect(await GenEvent.addHandler(rt, m, 't', recorder([]), 'throw')).toMatchObject({
      kind: 'error',
      reason: { kind: 'error', error: new Error('init failed') },
    });
    const bad: EventHandler<{ state: null }> = { init: () => 'ok' as never, handleEvent: (e, s) => ok(s), handleCall: () => stopInit('x') as never };
    expect(await GenEvent.addHandler(rt, m, 'bad', bad)).toEqual({ kind: 'error', reason: { kind: 'bad_return_value', callback: 'init', value: 'ok' } });
    expect(await GenEvent.whichHandlers(rt, m)).toEqual([]);
  });

  it('allows two handlers with one id; call and delete act on the newest', async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    const id = handlerId<RecorderTypes['call'], unknown[]>('dup');
    await GenEvent.addHandler(rt, m, id, recorder(log), 'old');
    await GenEvent.addHandler(rt, m, id, recorder(log), 'new');
    await GenEvent.syncNotify(rt, m, 1);
    expect(await GenEvent.whichHandlers(rt, m)).toEqual(['dup', 'dup']);
    expect(await GenEvent.deleteHandler(rt, m, id, 'bye')).toEqual({ kind: 'ok', result: 'new terminated' });
    expect(await GenEvent.call(rt, m, id, 'seen')).toEqual([1]);
  });
});

describe('deleting and swapping', () => {
  it("deleteHandler calls terminate(args) and answers its result; an unknown id answers module_not_found", async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'a', recorder(log), 'a');
    expect(await GenEvent.deleteHandler(rt, m, 'a', 'please')).toEqual({ kind: 'ok', result: 'a terminated' });
    expect(log).toContainEqual(['a', 'terminate', 'please']);
    expect(await GenEvent.deleteHandler(rt, m, 'a', 'again')).toEqual({ kind: 'error', reason: 'module_not_found' });
  });

  it("swapHandler: terminate(old args), then the new init gets { args, previous: terminate's result }", async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    const successor: EventHandler<{ state: unknown; args: SwapInitArgs<string> }> = {
      init(args) {
        log.push(['successor init', args]);
        return ok(args);
      },
      handleEvent: (event, state) => ok(state),
      handleCall: () => stopInit('unused') as never,
    };
    await GenEvent.addHandler(rt, m, 'old', recorder(log), 'old');
    expect(await GenEvent.swapHandler(rt, m, { id: 'old', args: 'swap-out' }, { id: 'new', handler: successor, args: 'two' })).toEqual({
      kind: 'ok',
    });
    expect(log).toEqual([['old', 'init'], ['old', 'terminate', 'swap-out'], ['successor init', { args: 'two', previous: 'old terminated' }]]);
    expect(await GenEvent.whichHandlers(rt, m)).toEqual(['new']);
    await GenEvent.swapHandler(rt, m, { id: 'missing' }, { id: 'third', handler: successor, args: 'three' });
    expect(log.at(-1)).toEqual(['successor init', { args: 'three', previous: 'error' }]);
  });

  it('a handler can swap itself from handleEvent: it is replaced in place', async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    const next = recorder(log);
    const swapper: EventHandler<{ state: string; event: string }> = {
      init: () => ok('swapper'),
      handleEvent: (event, state) =>
        event === 'swap' ? swapHandler({ terminateArgs: 'bye', state: `${state}!`, id: 'next', handler: { ...next, init: () => ok({ name: 'next', seen: [] }) }, args: 'unused' }) : ok(state),
      handleCall: () => stopInit('unused') as never,
      terminate: (reason, state) => {
        log.push(['swapper terminate', reason, state]);
      },
    };
    await GenEvent.addHandler(rt, m, 'first', recorder(log), 'first');
    await GenEvent.addHandler(rt, m, 'swapper', swapper);
    await GenEvent.addHandler(rt, m, 'last', recorder(log), 'last');
    await GenEvent.syncNotify(rt, m, 'swap');
    expect(await GenEvent.whichHandlers(rt, m)).toEqual(['last', 'next', 'first']);
    expect(log).toContainEqual(['swapper terminate', 'bye', 'swapper!']);
  });
});

describe('failing handlers', () => {
  it('removes a handler that throws, alone: terminate gets {kind: error}, the others keep receiving', async () => {
    const { rt, logged } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'a', recorder(log), 'a');
    await GenEvent.addHandler(rt, m, 'b', recorder(log), 'b');
    GenEvent.notify(rt, m, 'crash');
    GenEvent.notify(rt, m, 'after');
    await rt.idle();
    expect(await GenEvent.whichHandlers(rt, m)).toEqual([]);
    expect(log.filter((entry) => (entry as unknown[])[1] === 'terminate')).toEqual([
      ['b', 'terminate', { kind: 'error', reason: expect.objectContaining({ kind: 'error', error: new Error('b crashed') }) }],
      ['a', 'terminate', { kind: 'error', reason: expect.objectContaining({ kind: 'error', error: new Error('a crashed') }) }],
    ]);
    expect(logged.filter((line) => line.level === 'error')).toHaveLength(2);
    expect(rt.isAlive(m)).toBe(true);
  });

  it('removes a handler that returns a bad value, with a bad_return_value reason', async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'a', recorder(log), 'a');
    await GenEvent.syncNotify(rt, m, 'bad');
    expect(log.at(-1)).toEqual(['a', 'terminate', { kind: 'error', reason: { kind: 'bad_return_value', callback: 'handleEvent', value: 'nonsense' } }]);
  });

  it("removeHandler removes it with terminate('remove_handler')", async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'a', recorder(log), 'a');
    await GenEvent.syncNotify(rt, m, 'remove');
    expect(log.at(-1)).toEqual(['a', 'terminate', 'remove_handler']);
    expect(await GenEvent.whichHandlers(rt, m)).toEqual([]);
  });
});

describe('call', () => {
  it("returns the handler's reply; an unknown handler throws HandlerCallError('bad_module')", async () => {
    const { rt } = testRuntime();
    const m = await manager(rt);
    const a = handlerId<RecorderTypes['call'], unknown[] | 'removed'>('a');
    await GenEvent.addHandler(rt, m, a, recorder([]), 'a');
    await GenEvent.syncNotify(rt, m, 'x');
    expect(await GenEvent.call(rt, m, a, 'seen')).toEqual(['x']);
    await expect(GenEvent.call(rt, m, 'nobody', 'seen')).rejects.toMatchObject({ code: 'handler_call_failed', reason: 'bad_module' });
    expect(await GenEvent.call(rt, m, a, 'remove')).toBe('removed');
    expect(await GenEvent.whichHandlers(rt, m)).toEqual([]);
  });

  it('a failing handleCall removes the handler and throws HandlerCallError with the reason', async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'a', recorder(log), 'a');
    const failure = GenEvent.call(rt, m, 'a', 'crash');
    await expect(failure).rejects.toBeInstanceOf(HandlerCallError);
    await expect(failure).rejects.toMatchObject({ reason: { kind: 'error', error: new Error('call crashed') } });
    expect(await GenEvent.whichHandlers(rt, m)).toEqual([]);
  });

  it('works from inside a process', async () => {
    const { rt } = testRuntime();
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'a', recorder([]), 'a');
    const got: unknown[] = [];
    rt.spawn(async (self: ProcessContext) => {
      await GenEvent.syncNotify(self, m, 'from-a-process');
      got.push(await GenEvent.call(self, m, 'a', 'seen'));
    });
    await rt.idle();
    expect(got).toEqual([['from-a-process']]);
  });
});

describe('info, stop and system messages', () => {
  it('sends any other message to handleInfo; a handler without one keeps running (a warning is logged)', async () => {
    const { rt, logged } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    const { handleInfo: _dropped, ...rest } = recorder(log);
    const noInfo: EventHandler<RecorderTypes> = rest;
    await GenEvent.addHandler(rt, m, 'plain', noInfo, 'plain');
    await GenEvent.addHandler(rt, m, 'a', recorder(log), 'a');
    rt.send(m, { hello: 'there' });
    await rt.idle();
    expect(log.at(-1)).toEqual(['a', 'info', { hello: 'there' }]);
    expect(logged.some((line) => line.level === 'warn' && line.message.includes('plain'))).toBe(true);
    expect(await GenEvent.whichHandlers(rt, m)).toEqual(['a', 'plain']);
  });

  it("stop calls terminate('stop') on every handler, then the manager exits", async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'a', recorder(log), 'a');
    await GenEvent.addHandler(rt, m, 'b', recorder(log), 'b');
    await GenEvent.stop(rt, m);
    expect(log.slice(-2)).toEqual([['b', 'terminate', 'stop'], ['a', 'terminate', 'stop']]);
    expect(rt.isAlive(m)).toBe(false);
  });

  it('sys.getState lists each handler with its state; replaceState patches them', async () => {
    const { rt } = testRuntime();
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'a', recorder([]), 'a');
    expect(await sys.getState(rt, m)).toEqual([{ id: 'a', state: { name: 'a', seen: [] } }]);
    await sys.replaceState(rt, m, (handlers: { id: string; state: { name: string; seen: unknown[] } }[]) =>
      handlers.map((entry) => ({ ...entry, state: { ...entry.state, seen: ['patched'] } })),
    );
    expect(await GenEvent.call(rt, m, 'a', 'seen')).toEqual(['patched']);
  });

  it('handler callbacks may be async: the manager waits, events stay in order', async () => {
    const { rt } = testRuntime();
    const seen: unknown[] = [];
    const slow: EventHandler<{ state: null; event: number }> = {
      init: () => ok(null),
      async handleEvent(event, state) {
        await Promise.resolve();
        seen.push(event);
        return ok(state);
      },
      handleCall: () => stopInit('unused') as never,
    };
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'slow', slow);
    for (const n of [1, 2, 3]) GenEvent.notify(rt, m, n);
    expect(await GenEvent.syncNotify(rt, m, 4)).toBe('ok');
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

// OTP rule (stdlib gen_event: add_sup_handler/3, swap_sup_handler/3, Module:terminate/2): the
// manager links to the process that added a supervised handler; whenever the handler is removed
// that process gets {gen_event_EXIT, Handler, Reason} — normal (deleted or remove_handler),
// shutdown (manager stopped), {swapped, New, Pid}, or the error; when that process exits, the
// handler is removed with terminate({stop, Reason}) and the other handlers get the EXIT in
// handle_info. (Checked against erl, OTP 25: a normal delete does send gen_event_EXIT normal.)
import { describe, expect, it } from 'vitest';
import type { Pid, ProcessContext } from '@troupe/runtime';
import { GenEvent } from '../../src/gen-event/gen-event.js';
import { sys } from '../../src/index.js';
import { isGenEventExit, type GenEventExitMessage } from '../../src/gen-event/callbacks.js';
import { recorder, testRuntime } from './fixtures.js';

type Rt = ReturnType<typeof testRuntime>['rt'];

async function manager(rt: Rt): Promise<Pid> {
  const started = await GenEvent.start(rt);
  if (started.kind !== 'ok') throw new Error('manager failed to start');
  return started.pid;
}

/** A process that adds a supervised handler, then records the gen_event_EXITs it gets until told to exit. */
function owner(rt: Rt, m: Pid, id: string, log: unknown[], got: GenEventExitMessage[]): Pid {
  return rt.spawn(async (self: ProcessContext) => {
    await GenEvent.addSupHandler(self, m, id, recorder(log), id);
    for (;;) {
      const message = await self.receive();
      if (message === 'exit') self.exit('owner_done');
      if (isGenEventExit(message)) got.push(message);
    }
  });
}

describe('supervised handlers', () => {
  it("tell their owner when deleted ('normal'), and the owner stays linked to the manager", async () => {
    const { rt } = testRuntime();
    const got: GenEventExitMessage[] = [];
    const m = await manager(rt);
    const pid = owner(rt, m, 'sup', [], got);
    await rt.idle();
    expect(rt.processInfo(pid)?.links).toContainEqual(m);
    await GenEvent.deleteHandler(rt, m, 'sup', 'x');
    await rt.idle();
    expect(got).toEqual([{ kind: 'gen_event_EXIT', handler: 'sup', reason: 'normal' }]);
  });

  it('tell their owner the error that removed them', async () => {
    const { rt } = testRuntime();
    const got: GenEventExitMessage[] = [];
    const m = await manager(rt);
    owner(rt, m, 'sup', [], got);
    await rt.idle();
    GenEvent.notify(rt, m, 'bad');
    await rt.idle();
    expect(got).toEqual([{ kind: 'gen_event_EXIT', handler: 'sup', reason: { kind: 'bad_return_value', callback: 'handleEvent', value: 'nonsense' } }]);
  });

  it('tell their owner when swapped out; the new handler is supervised by the same owner', async () => {
    const { rt } = testRuntime();
    const got: GenEventExitMessage[] = [];
    const log: unknown[] = [];
    const m = await manager(rt);
    const pid = owner(rt, m, 'sup', log, got);
    await rt.idle();
    await GenEvent.swapHandler(rt, m, { id: 'sup', args: 'out' }, { id: 'next', handler: recorder(log), args: 'next' });
    await GenEvent.deleteHandler(rt, m, 'next');
    await rt.idle();
    expect(got).toEqual([
      { kind: 'gen_event_EXIT', handler: 'sup', reason: { kind: 'swapped', handler: 'next', pid } },
      { kind: 'gen_event_EXIT', handler: 'next', reason: 'normal' },
    ]);
  });

  it("are removed when their owner exits: terminate({kind: 'stop', reason}), the others get the EXIT as info", async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'bystander', recorder(log), 'bystander');
    const pid = owner(rt, m, 'sup', log, []);
    await rt.idle();
    rt.send(pid, 'exit');
    await rt.idle();
    expect(log).toContainEqual(['sup', 'terminate', { kind: 'stop', reason: 'owner_done' }]);
    expect(log).toContainEqual(['bystander', 'info', { kind: 'EXIT', from: pid, reason: 'owner_done' }]);
    expect(await GenEvent.whichHandlers(rt, m)).toEqual(['bystander']);
    expect(rt.isAlive(m)).toBe(true);
  });

  it("tell their owner 'shutdown' when the manager stops, and the owner survives it", async () => {
    const { rt } = testRuntime();
    const got: GenEventExitMessage[] = [];
    const log: unknown[] = [];
    const m = await manager(rt);
    const pid = owner(rt, m, 'sup', log, got);
    await rt.idle();
    await GenEvent.stop(rt, m, 'going_away');
    await rt.idle();
    expect(log).toContainEqual(['sup', 'terminate', 'stop']);
    expect(got).toEqual([{ kind: 'gen_event_EXIT', handler: 'sup', reason: 'shutdown' }]);
    expect(rt.isAlive(pid)).toBe(true);
  });

  it('swapSupHandler makes the caller supervise the new handler', async () => {
    const { rt } = testRuntime();
    const got: unknown[] = [];
    const m = await manager(rt);
    await GenEvent.addHandler(rt, m, 'plain', recorder([]), 'plain');
    rt.spawn(async (self: ProcessContext) => {
      await GenEvent.swapSupHandler(self, m, { id: 'plain' }, { id: 'mine', handler: recorder([]), args: 'mine' });
      await GenEvent.deleteHandler(self, m, 'mine');
      got.push(await self.receive(isGenEventExit));
    });
    await rt.idle();
    expect(got).toEqual([{ kind: 'gen_event_EXIT', handler: 'mine', reason: 'normal' }]);
  });

  it('need a process to supervise them: from plain Node code addSupHandler is a TypeError', async () => {
    const { rt } = testRuntime();
    const m = await manager(rt);
    expect(() => GenEvent.addSupHandler(rt as never, m, 'x', recorder([]), 'x')).toThrow(TypeError);
  });
});

describe('the manager and its parent', () => {
  it("an EXIT from the parent stops the manager: terminate('stop') for every handler", async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    let m: Pid | undefined;
    const parent = rt.spawn(async (self: ProcessContext) => {
      const started = await GenEvent.startLink(self);
      if (started.kind !== 'ok') return;
      m = started.pid;
      await GenEvent.addHandler(self, m, 'a', recorder(log), 'a');
      self.exit('parent_quits');
    });
    await rt.idle();
    expect(rt.isAlive(parent)).toBe(false);
    expect(m !== undefined && rt.isAlive(m)).toBe(false);
    expect(log).toContainEqual(['a', 'terminate', 'stop']);
  });

  it('a suspended manager still stops when its parent exits (sys’s suspend loop obeys the parent)', async () => {
    const { rt } = testRuntime();
    const log: unknown[] = [];
    let m: Pid | undefined;
    const parent = rt.spawn(async (self: ProcessContext) => {
      const started = await GenEvent.startLink(self);
      if (started.kind !== 'ok') return;
      m = started.pid;
      await GenEvent.addHandler(self, m, 'a', recorder(log), 'a');
      await sys.suspend(self, m);
      self.exit('parent_quits');
    });
    await rt.idle();
    expect(rt.isAlive(parent)).toBe(false);
    expect(m !== undefined && rt.isAlive(m)).toBe(false);
    expect(log).toContainEqual(['a', 'terminate', 'stop']);
  });
});

// Checks sys(3): "get_state/1,2", "replace_state/2,3", "get_status/1,2", "suspend/1,2" and
// "resume/1,2" — a suspended process answers only system messages and handles the rest,
// in order, once resumed.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger, type Pid, type ProcessContext } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, noreply, ok, reply, SystemCallbackError, sys, type GenServerModule } from '@troupe/otp';

function setup() {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
  return { clock, rt };
}

type Types = { state: string[]; call: 'log'; reply: string[]; cast: string };
const Logbook: GenServerModule<Types> = {
  init: () => ok([]),
  handleCall: (_request, _from, state) => reply(state, state),
  handleCast: (entry, state) => noreply([...state, entry]),
};

async function startLogbook(rt: Runtime) {
  const result = await GenServer.start(rt, Logbook);
  if (result.kind !== 'ok') throw new Error('start failed');
  return result.pid;
}

describe('sys', () => {
  it('getState returns the callback state; replaceState swaps it', async () => {
    const { rt } = setup();
    const pid = await startLogbook(rt);
    GenServer.cast(rt, pid, 'a');
    expect(await sys.getState(rt, pid)).toEqual(['a']);
    expect(await sys.replaceState<Runtime, string[]>(rt, pid, (state) => [...state, 'patched'])).toEqual(['a', 'patched']);
    expect(await GenServer.call(rt, pid, 'log')).toEqual(['a', 'patched']);
  });

  it('a replaceState function that throws leaves the state as it was', async () => {
    const { rt } = setup();
    const pid = await startLogbook(rt);
    const error = await sys
      .replaceState(rt, pid, () => {
        throw new Error('nope');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemCallbackError);
    expect(error).toMatchObject({ code: 'callback_failed' });
    expect(await sys.getState(rt, pid)).toEqual([]);
    expect(rt.isAlive(pid)).toBe(true);
  });

  it('getStatus names the behaviour and whether it runs', async () => {
    const { rt } = setup();
    const pid = await startLogbook(rt);
    expect(await sys.getStatus(rt, pid)).toMatchObject({ pid, behaviour: 'gen_server', status: 'running', state: [] });
    await sys.suspend(rt, pid);
    expect(await sys.getStatus(rt, pid)).toMatchObject({ status: 'suspended' });
  });

  it('while suspended only system messages are answered; on resume the rest run in order', async () => {
    const { rt, clock } = setup();
    const pid = await startLogbook(rt);
    await sys.suspend(rt, pid);
    GenServer.cast(rt, pid, 'first');
    const pending = GenServer.call(rt, pid, 'log', 1000).catch((e: unknown) => e);
    GenServer.cast(rt, pid, 'second');
    await clock.advance(1000);
    expect(await pending).toMatchObject({ code: 'call_timeout' });
    expect(await sys.getState(rt, pid)).toEqual([]);
    await sys.resume(rt, pid);
    expect(await GenServer.call(rt, pid, 'log')).toEqual(['first', 'second']);
  });

  it('a suspended server still terminates when its parent exits', async () => {
    const { rt } = setup();
    const log: unknown[] = [];
    const module: GenServerModule<{ state: null }> = {
      init: (_args, self) => (self.trapExit(true), ok(null)),
      terminate: (reason) => void log.push(reason),
    };
    let server!: Pid;
    const parent = rt.spawn(async (self: ProcessContext) => {
      const result = await GenServer.startLink(self, module);
      if (result.kind === 'ok') server = result.pid;
      await self.receive();
    });
    await rt.idle();
    await sys.suspend(rt, server);
    rt.exit(parent, 'bye');
    await rt.idle();
    expect(log).toEqual(['bye']);
    expect(rt.isAlive(server)).toBe(false);
  });

  it('an idle timeout waits while the server is suspended and restarts on resume', async () => {
    const { rt, clock } = setup();
    const seen: unknown[] = [];
    const module: GenServerModule<{ state: null }> = {
      init: () => ok(null, { timeout: 100 }),
      handleInfo: (message, state) => (seen.push(message), noreply(state)),
    };
    const started = await GenServer.start(rt, module);
    if (started.kind !== 'ok') throw new Error('start failed');
    await clock.advance(50);
    await sys.suspend(rt, started.pid);
    await clock.advance(500);
    expect(seen).toEqual([]);
    await sys.resume(rt, started.pid);
    await clock.advance(99);
    expect(seen).toEqual([]);
    await clock.advance(1);
    expect(seen).toEqual(['timeout']);
  });
});

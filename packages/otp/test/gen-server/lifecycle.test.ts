// Checks gen_server(3): "Module:handle_continue/2", the `Timeout` of callback results (an
// idle timeout delivers `timeout` to handle_info), "Module:terminate/2" (when it is and is
// not called) and "stop/1,3"; callbacks may suspend on promises (Troupe's async callbacks).
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger, type Pid, type ProcessContext } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import {
  CallExitError,
  GenServer,
  noreply,
  ok,
  reply,
  type GenServerModule,
  type IdleTimeoutInfo,
  type ServerTypes,
  type StartArgs,
} from '@troupe/otp';

function setup() {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
  return { clock, rt };
}

async function startOk<T extends ServerTypes>(rt: Runtime, module: GenServerModule<T>, ...rest: StartArgs<T>): Promise<Pid> {
  const result = await GenServer.start(rt, module, ...rest);
  if (result.kind !== 'ok') throw new Error(`start failed: ${JSON.stringify(result)}`);
  return result.pid;
}

const Echo: GenServerModule<{ state: null; call: string; reply: string }> = {
  init: () => ok(null),
  handleCall: (request, _from, state) => reply(`echo ${request}`, state),
};

describe('async callbacks', () => {
  it('an async callback suspends the server while the mailbox keeps filling; order is kept', async () => {
    const { rt } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const log: string[] = [];
    const module: GenServerModule<{ state: null; cast: string }> = {
      init: () => ok(null),
      async handleCast(request, state) {
        log.push(`begin ${request}`);
        if (request === 'slow') await gate;
        log.push(`end ${request}`);
        return noreply(state);
      },
    };
    const pid = await startOk(rt, module);
    GenServer.cast(rt, pid, 'slow');
    GenServer.cast(rt, pid, 'next');
    await rt.idle();
    expect(log).toEqual(['begin slow']);
    expect(rt.processInfo(pid)?.messageQueueLength).toBe(1);
    release();
    await rt.idle();
    expect(log).toEqual(['begin slow', 'end slow', 'begin next', 'end next']);
  });

  it('an async callback can call another server', async () => {
    const { rt } = setup();
    const echo = await startOk(rt, Echo, undefined, { name: 'echo' });
    const module: GenServerModule<{ state: null; call: string; reply: unknown }> = {
      init: () => ok(null),
      async handleCall(request, _from, state, self) {
        const answer = await GenServer.call(self, GenServer.ref<{ state: null; call: string; reply: string }>('echo'), request);
        return reply(`proxied ${answer}`, state);
      },
    };
    const proxy = await startOk(rt, module);
    expect(await GenServer.call(rt, proxy, 'hi')).toBe('proxied echo hi');
    expect(rt.isAlive(echo)).toBe(true);
  });

  it('an async callback may wait in a receive (self.sleep) before anything else', async () => {
    const { rt, clock } = setup();
    const log: string[] = [];
    const module: GenServerModule<{ state: null; cast: string }> = {
      init: () => ok(null),
      async handleCast(request, state, self) {
        await self.sleep(100);
        log.push(request);
        return noreply(state);
      },
    };
    const pid = await startOk(rt, module);
    GenServer.cast(rt, pid, 'a');
    GenServer.cast(rt, pid, 'b');
    await clock.advance(100);
    expect(log).toEqual(['a']);
    await clock.advance(100);
    expect(log).toEqual(['a', 'b']);
  });
});

describe('handleContinue', () => {
  it('runs right after init and after a result that asks for it, before the next message', async () => {
    const { rt } = setup();
    const log: string[] = [];
    type Types = { state: number; cast: string; continue: string };
    const module: GenServerModule<Types> = {
      init: () => ok(0, { continue: 'after init' }),
      handleCast: (request, state) => (log.push(`cast ${request}`), noreply(state + 1, { continue: `after ${request}` })),
      handleContinue: (arg, state) => (log.push(`continue ${arg}`), noreply(state)),
    };
    const pid = await startOk(rt, module);
    GenServer.cast(rt, pid, 'a');
    GenServer.cast(rt, pid, 'b');
    await rt.idle();
    expect(log).toEqual(['continue after init', 'cast a', 'continue after a', 'cast b', 'continue after b']);
  });
});

describe('idle timeout', () => {
  type Types = { state: string[]; cast: 'poke'; info: IdleTimeoutInfo };
  const Idle = (log: string[]): GenServerModule<Types> => ({
    init: () => ok([], { timeout: 1000 }),
    handleCast: (_request, state) => (log.push('poke'), noreply(state, { timeout: 1000 })),
    handleInfo: (message, state) => (log.push(String(message)), noreply(state)),
  });

  it("delivers 'timeout' to handleInfo when no message arrives in time", async () => {
    const { rt, clock } = setup();
    const log: string[] = [];
    await startOk(rt, Idle(log));
    await clock.advance(999);
    expect(log).toEqual([]);
    await clock.advance(1);
    expect(log).toEqual(['timeout']);
    await clock.advance(5000);
    expect(log).toEqual(['timeout']);
  });

  it('any message cancels it; the next result sets a new one', async () => {
    const { rt, clock } = setup();
    const log: string[] = [];
    const pid = await startOk(rt, Idle(log));
    await clock.advance(600);
    GenServer.cast(rt, pid, 'poke');
    await clock.advance(600);
    expect(log).toEqual(['poke']);
    await clock.advance(400);
    expect(log).toEqual(['poke', 'timeout']);
  });

  it('a plain message also cancels it (handleInfo gets the message, not timeout)', async () => {
    const { rt, clock } = setup();
    const log: string[] = [];
    const pid = await startOk(rt, Idle(log));
    rt.send(pid, 'ping');
    await clock.advance(5000);
    expect(log).toEqual(['ping']);
  });
});

describe('terminate and exits', () => {
  const Traced = (log: unknown[], trap: boolean): GenServerModule<{ state: null }> => ({
    init: (_args, self) => (self.trapExit(trap), ok(null)),
    terminate: (reason) => void log.push(['terminate', reason]),
  });

  it('an EXIT from its parent while trapping exits: terminate(reason), then exit with that reason', async () => {
    const { rt } = setup();
    const log: unknown[] = [];
    let server!: Pid;
    const parent = rt.spawn(async (self: ProcessContext) => {
      const result = await GenServer.startLink(self, Traced(log, true));
      if (result.kind === 'ok') server = result.pid;
      await self.receive();
    });
    await rt.idle();
    const exits: unknown[] = [];
    rt.events.on('exit', (pid, reason) => pid.equals(server) && exits.push(reason));
    rt.exit(parent, 'going_away');
    await rt.idle();
    expect(log).toEqual([['terminate', 'going_away']]);
    expect(exits).toEqual(['going_away']);
  });

  it('not trapping exits: the parent’s exit kills it without terminate', async () => {
    const { rt } = setup();
    const log: unknown[] = [];
    let server!: Pid;
    const parent = rt.spawn(async (self: ProcessContext) => {
      const result = await GenServer.startLink(self, Traced(log, false));
      if (result.kind === 'ok') server = result.pid;
      await self.receive();
    });
    await rt.idle();
    rt.exit(parent, 'going_away');
    await rt.idle();
    expect(rt.isAlive(server)).toBe(false);
    expect(log).toEqual([]);
  });

  it('an EXIT from another process is just a message for handleInfo', async () => {
    const { rt } = setup();
    const seen: unknown[] = [];
    const module: GenServerModule<{ state: null }> = {
      init: (_args, self) => (self.trapExit(true), ok(null)),
      handleInfo: (message, state) => (seen.push(message), noreply(state)),
    };
    const pid = await startOk(rt, module);
    const other = rt.spawn((self) => self.exit(pid, 'hello'));
    await rt.idle();
    expect(seen).toEqual([expect.objectContaining({ kind: 'EXIT', from: other, reason: 'hello' })]);
    expect(rt.isAlive(pid)).toBe(true);
  });

  it('killed: terminate is not called', async () => {
    const { rt } = setup();
    const log: unknown[] = [];
    const pid = await startOk(rt, Traced(log, true));
    rt.exit(pid, 'kill');
    await rt.idle();
    expect(rt.isAlive(pid)).toBe(false);
    expect(log).toEqual([]);
  });

  it('GenServer.stop runs terminate with the reason and returns once the server is gone', async () => {
    const { rt } = setup();
    const log: unknown[] = [];
    const pid = await startOk(rt, Traced(log, false));
    await GenServer.stop(rt, pid, { kind: 'shutdown', detail: 'maintenance' });
    expect(log).toEqual([['terminate', { kind: 'shutdown', detail: 'maintenance' }]]);
    expect(rt.isAlive(pid)).toBe(false);
  });

  it('GenServer.stop fails with the actual reason if the server ends otherwise, and times out', async () => {
    const { rt, clock } = setup();
    const stubborn: GenServerModule<{ state: null }> = {
      init: () => ok(null),
      terminate: () => {
        throw new Error('refusing');
      },
    };
    const pid = await startOk(rt, stubborn);
    const error = await GenServer.stop(rt, pid).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'call_exit', reason: { kind: 'error' } });

    const slow: GenServerModule<{ state: null }> = {
      init: () => ok(null),
      async terminate(_reason, _state, self) {
        await self.sleep(1000);
      },
    };
    const slowPid = await startOk(rt, slow);
    const timedOut = GenServer.stop(rt, slowPid, 'normal', 500).catch((e: unknown) => e);
    await clock.advance(500);
    expect(await timedOut).toMatchObject({ code: 'call_timeout', timeoutMs: 500 });
    await clock.advance(500);
    expect(rt.isAlive(slowPid)).toBe(false);
  });

  it('GenServer.stop of a server that does not exist fails with noproc', async () => {
    const { rt } = setup();
    await expect(GenServer.stop(rt, 'nobody')).rejects.toMatchObject({ code: 'call_exit', reason: 'noproc' });
    await expect(GenServer.stop(rt, 'nobody')).rejects.toBeInstanceOf(CallExitError);
  });
});

// OTP rule (stdlib gen_statem: start_link/3,4, call/3, cast/2, reply/2, stop/3, Module:init/1,
// Module:terminate/3; sys): start returns once init has run ({ok, Pid} | ignore | {error, Reason});
// calls and casts arrive as {call, From} and cast events; terminate runs on stop and on an EXIT
// from the parent when trapping exits; system messages are answered, and while suspended the
// machine handles nothing else.
import { describe, expect, it } from 'vitest';
import { isExitMessage, Runtime, silentLogger, type ExitReason, type Pid, type ProcessContext } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { CallExitError, ignore, stopInit, sys, type From } from '../../src/index.js';
import { GenStatem } from '../../src/gen-statem/gen-statem.js';
import { initOk, keepState, keepStateAndData, nextState, stopMachine, type GenStatemModule } from '../../src/gen-statem/callbacks.js';
import { replyAction, stateTimeout } from '../../src/gen-statem/actions.js';

function runtime(): { rt: Runtime; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { rt: new Runtime({ clock, longScheduleMs: false, logger: silentLogger }), clock };
}

type CounterTypes = { state: 'running' | 'paused'; data: number; call: 'get' | 'pause' | 'later'; cast: 'inc'; reply: number | 'ok'; args: number };

function counter(log: unknown[] = []): GenStatemModule<CounterTypes> {
  let pending: From<number | 'ok'> | undefined;
  return {
    callbackMode: 'state_functions',
    init: (start) => initOk('running', start),
    states: {
      running(event, data) {
        if (event.type === 'cast') return keepState(data + 1);
        if (event.type === 'call' && event.content === 'get') return keepStateAndData([replyAction(event.from, data)]);
        if (event.type === 'call' && event.content === 'pause') return nextState('paused', data, [replyAction(event.from, 'ok')]);
        if (event.type === 'call' && event.content === 'later') {
          pending = event.from;
          return keepState();
        }
        if (event.type === 'info' && event.content === 'answer' && pending !== undefined) {
          return keepStateAndData([replyAction(pending, 42)]);
        }
        return keepState();
      },
      paused(event, data) {
        if (event.type === 'call') return keepStateAndData([replyAction(event.from, -1)]);
        return keepState();
      },
    },
    terminate(reason, state, data) {
      log.push(['terminate', reason, state, data]);
    },
  };
}

describe('start', () => {
  it('returns a typed pid once init has run; call and cast work from plain Node code', async () => {
    const { rt } = runtime();
    const started = await GenStatem.start(rt, counter(), 10);
    expect(started.kind).toBe('ok');
    if (started.kind !== 'ok') return;
    GenStatem.cast(rt, started.pid, 'inc');
    expect(await GenStatem.call(rt, started.pid, 'get')).toBe(11);
    expect(await GenStatem.call(rt, started.pid, 'pause')).toBe('ok');
    expect(await GenStatem.call(rt, started.pid, 'get')).toBe(-1);
  });

  it('registers the name and answers already_started for a taken one', async () => {
    const { rt } = runtime();
    const first = await GenStatem.start(rt, counter(), 0, { name: 'counter' });
    expect(first.kind).toBe('ok');
    expect(await GenStatem.call(rt, GenStatem.ref<CounterTypes>('counter'), 'get')).toBe(0);
    const second = await GenStatem.start(rt, counter(), 0, { name: 'counter' });
    expect(second).toEqual({ kind: 'error', reason: { kind: 'already_started', pid: first.kind === 'ok' ? first.pid : undefined } });
  });

  it("init's ignore and stopInit answer {kind: 'ignore'} and {kind: 'error', reason}", async () => {
    const { rt } = runtime();
    const base = { callbackMode: 'handle_event_function' as const, handleEvent: () => keepState() };
    expect(await GenStatem.start(rt, { ...base, init: () => ignore() })).toEqual({ kind: 'ignore' });
    expect(await GenStatem.start(rt, { ...base, init: () => stopInit('no_config') })).toEqual({ kind: 'error', reason: 'no_config' });
  });

  it('an init that throws or returns a bad value fails the start with that reason', async () => {
    const { rt } = runtime();
    const base = { callbackMode: 'handle_event_function' as const, handleEvent: () => keepState() };
    const thrown = await GenStatem.start(rt, {
      ...base,
      init: () => {
        throw new Error('init boom');
      },
    });
    expect(thrown).toMatchObject({ kind: 'error', reason: { kind: 'error', error: new Error('init boom') } });
    const bad = await GenStatem.start(rt, { ...base, init: () => 'ok' as never });
    expect(bad).toEqual({ kind: 'error', reason: { kind: 'bad_return_value', callback: 'init', value: 'ok' } });
  });

  it('rejects a module without a valid callbackMode with a TypeError', () => {
    const { rt } = runtime();
    expect(() => GenStatem.start(rt, { callbackMode: 'fsm', init: () => initOk(1, 1) } as never)).toThrow(TypeError);
    expect(() => GenStatem.start(rt, { callbackMode: 'handle_event_function', init: () => initOk(1, 1) } as never)).toThrow(TypeError);
  });
});

describe('call and reply', () => {
  it('works from a process too, and a reply can come later from another event', async () => {
    const { rt } = runtime();
    const started = await GenStatem.start(rt, counter(), 0);
    if (started.kind !== 'ok') throw new Error('start failed');
    const got: unknown[] = [];
    rt.spawn(async (self: ProcessContext) => {
      got.push(await GenStatem.call(self, started.pid, 'later'));
    });
    await rt.idle();
    expect(got).toEqual([]);
    rt.send(started.pid, 'answer');
    await rt.idle();
    expect(got).toEqual([42]);
  });

  it('a call to a machine that stops without replying fails with CallExitError', async () => {
    const { rt } = runtime();
    const quitter: GenStatemModule<{ state: string; data: null; call: 'x' }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('s', null),
      handleEvent: () => stopMachine('gave_up'),
    };
    const started = await GenStatem.start(rt, quitter);
    if (started.kind !== 'ok') throw new Error('start failed');
    await expect(GenStatem.call(rt, started.pid, 'x')).rejects.toBeInstanceOf(CallExitError);
  });
});

describe('stop and exits', () => {
  it('GenStatem.stop runs terminate(reason, state, data) and waits for the exit', async () => {
    const { rt } = runtime();
    const log: unknown[] = [];
    const started = await GenStatem.start(rt, counter(log), 5);
    if (started.kind !== 'ok') throw new Error('start failed');
    await GenStatem.stop(rt, started.pid, { kind: 'shutdown', detail: 'bye' });
    expect(log).toEqual([['terminate', { kind: 'shutdown', detail: 'bye' }, 'running', 5]]);
    expect(rt.isAlive(started.pid)).toBe(false);
  });

  it('an EXIT from the parent while trapping exits runs terminate with its reason', async () => {
    const { rt } = runtime();
    const log: unknown[] = [];
    const module: GenStatemModule<{ state: string; data: null }> = {
      callbackMode: 'handle_event_function',
      init: (_args, self) => {
        self.trapExit(true);
        return initOk('s', null);
      },
      handleEvent: () => keepState(),
      terminate: (reason) => {
        log.push(reason);
      },
    };
    const exits: ExitReason[] = [];
    const parent = rt.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      const started = await GenStatem.startLink(self, module);
      if (started.kind !== 'ok') return;
      self.exit(started.pid, 'shutdown');
      const exit = await self.receive(isExitMessage);
      exits.push(exit.reason);
    });
    await rt.idle();
    expect(log).toEqual(['shutdown']);
    expect(exits).toEqual(['shutdown']);
    expect(rt.isAlive(parent)).toBe(false);
  });
});

describe('exits', () => {
  it('a state callback that calls self.exit(reason) runs terminate and ends the machine with that reason', async () => {
    const { rt } = runtime();
    const log: unknown[] = [];
    const module: GenStatemModule<{ state: string; data: null; cast: 'quit' }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('s', null),
      handleEvent: (_event, _state, _data, self) => self.exit('quitting'),
      terminate: (reason) => void log.push(reason),
    };
    const started = await GenStatem.start(rt, module);
    if (started.kind !== 'ok') throw new Error('start failed');
    const exits: ExitReason[] = [];
    rt.events.on('exit', (pid, reason) => pid.equals(started.pid) && exits.push(reason));
    GenStatem.cast(rt, started.pid, 'quit');
    await rt.idle();
    expect(log).toEqual(['quitting']);
    expect(exits).toEqual(['quitting']);
  });

  it('a suspended machine still terminates when its parent exits', async () => {
    const { rt } = runtime();
    const log: unknown[] = [];
    const module: GenStatemModule<{ state: string; data: null }> = {
      callbackMode: 'handle_event_function',
      init: (_args, self) => (self.trapExit(true), initOk('s', null)),
      handleEvent: () => keepState(),
      terminate: (reason) => void log.push(reason),
    };
    let machine: Pid | undefined;
    const parent = rt.spawn(async (self: ProcessContext) => {
      const started = await GenStatem.startLink(self, module);
      if (started.kind !== 'ok') return;
      machine = started.pid;
      await self.receive();
    });
    await rt.idle();
    await sys.suspend(rt, machine!);
    rt.exit(parent, 'bye');
    await rt.idle();
    expect(log).toEqual(['bye']);
    expect(rt.isAlive(machine!)).toBe(false);
  });
});

describe('system messages', () => {
  it('getState returns { state, data }; replaceState swaps them (not a state change)', async () => {
    const { rt } = runtime();
    const started = await GenStatem.start(rt, counter(), 3);
    if (started.kind !== 'ok') throw new Error('start failed');
    expect(await sys.getState(rt, started.pid)).toEqual({ state: 'running', data: 3 });
    await sys.replaceState(rt, started.pid, (value: { state: string; data: number }) => ({ ...value, data: 100 }));
    expect(await GenStatem.call(rt, started.pid, 'get')).toBe(100);
    const status = await sys.getStatus(rt, started.pid);
    expect(status).toMatchObject({ behaviour: 'gen_statem', status: 'running', state: { state: 'running', data: 100 } });
  });

  it('while suspended, events wait (timers included); resume handles them in order', async () => {
    const { rt, clock } = runtime();
    const log: unknown[] = [];
    const module: GenStatemModule<{ state: string; data: null; cast: string }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('s', null, [stateTimeout(100, 'tick')]),
      handleEvent(event) {
        log.push(`${event.type}:${String(event.content)}`);
        return keepState();
      },
    };
    const started = await GenStatem.start(rt, module);
    if (started.kind !== 'ok') throw new Error('start failed');
    await sys.suspend(rt, started.pid);
    GenStatem.cast(rt, started.pid, 'a');
    await clock.advance(200);
    GenStatem.cast(rt, started.pid, 'b');
    await rt.idle();
    expect(log).toEqual([]);
    await sys.resume(rt, started.pid);
    await rt.idle();
    expect(log).toEqual(['cast:a', 'state_timeout:tick', 'cast:b']);
  });
});

// Checks gen_server(3), "Module:init/1", "Module:handle_call/3", "Module:handle_cast/2",
// "Module:handle_info/2", "Module:handle_continue/2" and "start_link/3,4": the callback
// results and what the server does with each.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger, type Logger, type Pid, type ProcessContext } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, ignore, noreply, ok, reply, stop, stopInit, type GenServerModule, type ServerTypes, type StartArgs } from '@troupe/otp';

function setup(logger: Logger = silentLogger) {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger });
  return { clock, rt };
}

function capture() {
  const lines: { level: string; message: string; meta?: unknown }[] = [];
  const logger: Logger = {
    error: (message, meta) => lines.push({ level: 'error', message, meta }),
    warn: (message, meta) => lines.push({ level: 'warn', message, meta }),
    info: (message, meta) => lines.push({ level: 'info', message, meta }),
  };
  return { lines, logger };
}

async function startOk<T extends ServerTypes>(rt: Runtime, module: GenServerModule<T>, ...rest: StartArgs<T>): Promise<Pid> {
  const result = await GenServer.start(rt, module, ...rest);
  if (result.kind !== 'ok') throw new Error(`start failed: ${JSON.stringify(result)}`);
  return result.pid;
}

type KV = { state: Map<string, number>; call: { get: string } | { put: string; value: number }; cast: { del: string }; reply: number | undefined };
const KvStore: GenServerModule<KV> = {
  init: () => ok(new Map()),
  handleCall(request, _from, state) {
    if ('get' in request) return reply(state.get(request.get), state);
    state.set(request.put, request.value);
    return reply(request.value, state);
  },
  handleCast(request, state) {
    state.delete(request.del);
    return noreply(state);
  },
};

describe('init', () => {
  it('start returns ok with the pid once init has run', async () => {
    const { rt } = setup();
    const pid = await startOk(rt, KvStore);
    expect(rt.isAlive(pid)).toBe(true);
    expect(await GenServer.call(rt, pid, { put: 'a', value: 1 })).toBe(1);
  });

  it('ignore: start returns ignore and the process exits normally', async () => {
    const { rt } = setup();
    const exits: unknown[] = [];
    rt.events.on('exit', (_pid, reason) => exits.push(reason));
    const result = await GenServer.start(rt, { init: () => ignore() } satisfies GenServerModule<{ state: never }>);
    expect(result).toEqual({ kind: 'ignore' });
    expect(exits).toContain('normal');
  });

  it('stopInit(reason): start returns the error and the process exits with that reason', async () => {
    const { rt } = setup();
    const result = await GenServer.start(rt, { init: () => stopInit('bad_config') } satisfies GenServerModule<{ state: never }>);
    expect(result).toEqual({ kind: 'error', reason: 'bad_config' });
  });

  it('a crashing init: start returns the error reason; terminate is not called', async () => {
    const { rt } = setup();
    let terminated = false;
    const module: GenServerModule<{ state: never }> = {
      init: () => {
        throw new Error('no db');
      },
      terminate: () => {
        terminated = true;
      },
    };
    const result = await GenServer.start(rt, module);
    expect(result.kind).toBe('error');
    expect(result.kind === 'error' && result.reason).toMatchObject({ kind: 'error', error: expect.objectContaining({ message: 'no db' }) });
    expect(terminated).toBe(false);
  });

  it('a bad init result: start returns bad_return_value', async () => {
    const { rt } = setup();
    const result = await GenServer.start(rt, { init: () => 42 } as unknown as GenServerModule<{ state: never }>);
    expect(result).toEqual({ kind: 'error', reason: { kind: 'bad_return_value', callback: 'init', value: 42 } });
  });

  it('an async init is waited for', async () => {
    const { rt } = setup();
    const module: GenServerModule<{ state: number; call: 'get'; reply: number }> = {
      init: async () => ok(await Promise.resolve(7)),
      handleCall: (_request, _from, state) => reply(state, state),
    };
    const pid = await startOk(rt, module);
    expect(await GenServer.call(rt, pid, 'get')).toBe(7);
  });

  it('a registered name: a second start answers already_started with the holder', async () => {
    const { rt } = setup();
    const first = await GenServer.start(rt, KvStore, undefined, { name: 'kv' });
    const second = await GenServer.start(rt, KvStore, undefined, { name: 'kv' });
    expect(first.kind).toBe('ok');
    expect(second).toEqual({ kind: 'error', reason: { kind: 'already_started', pid: rt.whereis('kv') } });
    expect(await GenServer.call(rt, GenServer.ref<KV>('kv'), { put: 'x', value: 2 })).toBe(2);
  });
});

describe('requests', () => {
  it('cast and call are handled in arrival order', async () => {
    const { rt } = setup();
    const pid = await startOk(rt, KvStore);
    await GenServer.call(rt, pid, { put: 'a', value: 1 });
    GenServer.cast(rt, pid, { del: 'a' });
    expect(await GenServer.call(rt, pid, { get: 'a' })).toBeUndefined();
  });

  it('other messages go to handleInfo; without handleInfo they are logged and dropped', async () => {
    const { lines, logger } = capture();
    const { rt } = setup(logger);
    const seen: unknown[] = [];
    const pid = await startOk(rt, { init: () => ok(0), handleInfo: (m, s) => (seen.push(m), noreply(s)) } satisfies GenServerModule<{ state: number }>);
    rt.send(pid, 'hello');
    const quiet = await startOk(rt, KvStore);
    rt.send(quiet, 'stray');
    await rt.idle();
    expect(seen).toEqual(['hello']);
    expect(rt.isAlive(quiet)).toBe(true);
    expect(lines.some((l) => l.level === 'warn' && l.message.includes('handleInfo'))).toBe(true);
  });

  it('noreply, then GenServer.reply(from) from another process answers the caller', async () => {
    const { rt } = setup();
    type Types = { state: unknown[]; call: 'wait' | 'release'; reply: string };
    const module: GenServerModule<Types> = {
      init: () => ok([]),
      handleCall(request, from, waiting, self) {
        if (request === 'wait') return noreply([...waiting, from]);
        // Answer the waiters from a helper process: From works from anywhere.
        self.spawn((helper: ProcessContext) => {
          for (const f of waiting) GenServer.reply(helper, f as typeof from, 'released');
        });
        return reply('done', []);
      },
    };
    const pid = await startOk(rt, module);
    const waiting = GenServer.call(rt, pid, 'wait');
    expect(await GenServer.call(rt, pid, 'release')).toBe('done');
    expect(await waiting).toBe('released');
  });

  it('a stop result runs terminate, then replies, then the server exits with the reason', async () => {
    const { rt } = setup();
    const order: string[] = [];
    const module: GenServerModule<{ state: number; call: 'quit'; reply: string }> = {
      init: () => ok(1),
      handleCall: (_request, _from, state) => stop('normal', state + 1, 'bye'),
      terminate: (reason, state) => {
        order.push(`terminate ${String(reason)} ${state}`);
      },
    };
    const pid = await startOk(rt, module);
    const exits: unknown[] = [];
    rt.events.on('exit', (p, reason) => p.equals(pid) && exits.push(reason));
    expect(await GenServer.call(rt, pid, 'quit')).toBe('bye');
    expect(order).toEqual(['terminate normal 2']);
    expect(exits).toEqual(['normal']);
  });

  it('a bad callback result exits with bad_return_value naming the callback, after terminate', async () => {
    const { rt } = setup();
    const reasons: unknown[] = [];
    const module = {
      init: () => ok(0),
      handleCast: () => ({ kind: 'reply', reply: 1, state: 0 }),
      terminate: (reason: unknown) => void reasons.push(reason),
    } as unknown as GenServerModule<{ state: number; cast: 'x' }>;
    const pid = await startOk(rt, module);
    GenServer.cast(rt, pid, 'x');
    await rt.idle();
    expect(rt.isAlive(pid)).toBe(false);
    expect(reasons).toEqual([{ kind: 'bad_return_value', callback: 'handleCast', value: { kind: 'reply', reply: 1, state: 0 } }]);
  });

  it('a callback that throws calls terminate with the error reason', async () => {
    const { rt } = setup();
    const reasons: unknown[] = [];
    const module: GenServerModule<{ state: number; cast: 'boom' }> = {
      init: () => ok(0),
      handleCast: () => {
        throw new TypeError('bad');
      },
      terminate: (reason) => void reasons.push(reason),
    };
    const pid = await startOk(rt, module);
    GenServer.cast(rt, pid, 'boom');
    await rt.idle();
    expect(reasons).toEqual([expect.objectContaining({ kind: 'error', error: expect.any(TypeError) })]);
  });
});

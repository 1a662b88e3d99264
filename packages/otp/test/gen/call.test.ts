// Checks gen_server(3) "call/2,3" and "cast/2" (the gen module's call protocol): default
// timeout 5000 ms, infinity, a late reply is dropped, noproc, the server's exit reason,
// calling_self; and "reply/2" from any process.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger, type Pid, type ProcessContext } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { CallExitError, CallTimeoutError, GenServer, noreply, ok, reply, type From, type GenServerModule } from '@troupe/otp';
import { formatServerRef } from '../../src/errors.js';

function setup() {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
  return { clock, rt };
}

// Replies to 'ping' at once; to {late: ms} after ms (too late for a short call); crashes on 'crash'.
type Types = { state: null; call: 'ping' | 'crash' | 'never' | { late: number }; reply: string };
const Server: GenServerModule<Types> = {
  init: () => ok(null),
  handleCall(request, from, state, self) {
    if (request === 'ping') return reply('pong', state);
    if (request === 'crash') throw new Error('crashed while serving');
    if (request === 'never') return noreply(state);
    self.sendAfter(request.late, self.pid, { answer: from });
    return noreply(state);
  },
  handleInfo(message, state, self) {
    GenServer.reply(self, (message as { answer: From<string> }).answer, 'late pong');
    return noreply(state);
  },
};

async function startServer(rt: Runtime, name?: string) {
  const result = await GenServer.start(rt, Server, undefined, { name });
  if (result.kind !== 'ok') throw new Error('start failed');
  return result.pid;
}

describe('call', () => {
  it('works from a generator body, an async body and plain Node code', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    const answers: string[] = [];
    rt.spawn(function* (self: ProcessContext) {
      answers.push(yield* GenServer.call(self, server, 'ping'));
    });
    rt.spawn(async (self: ProcessContext) => {
      answers.push(await GenServer.call(self, server, 'ping'));
    });
    answers.push(await GenServer.call(rt, server, 'ping'));
    await rt.idle();
    expect(answers).toEqual(['pong', 'pong', 'pong']);
  });

  it('in a generator body, awaiting a call (or any operation) throws a TypeError that says to use yield*', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    const errors: unknown[] = [];
    rt.spawn(function* (self: ProcessContext) {
      for (const operation of [GenServer.call(self, server, 'ping'), GenServer.start(self, Server)]) {
        try {
          void (operation as unknown as PromiseLike<unknown>).then(() => undefined);
        } catch (error) {
          errors.push(error);
        }
      }
    });
    await rt.idle();
    expect(errors).toHaveLength(2);
    for (const error of errors) expect(error).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/yield\*/) });
  });

  it('times out after 5000 ms by default, and the late reply never reaches the caller', async () => {
    const { rt, clock } = setup();
    const server = await startServer(rt);
    let caught: unknown;
    let caller!: Pid;
    caller = rt.spawn(async (self: ProcessContext) => {
      try {
        await GenServer.call(self, server, { late: 6000 });
      } catch (error) {
        caught = error;
      }
      await self.receive(); // stay alive so the mailbox can be inspected
    });
    await clock.advance(4999);
    expect(caught).toBeUndefined();
    await clock.advance(1);
    expect(caught).toBeInstanceOf(CallTimeoutError);
    expect(caught).toMatchObject({ code: 'call_timeout', timeoutMs: 5000 });
    await clock.advance(2000); // the server replies at 6000
    expect(rt.messages(caller)).toEqual([]);
  });

  it('takes an explicit timeout, and Infinity waits forever', async () => {
    const { rt, clock } = setup();
    const server = await startServer(rt);
    // Settled promises are inspected after advancing time, so catch now (no unhandled rejection).
    const short = GenServer.call(rt, server, { late: 200 }, 100).catch((error: unknown) => error);
    const forever = GenServer.call(rt, server, { late: 60_000 }, Infinity);
    await clock.advance(100);
    expect(await short).toMatchObject({ code: 'call_timeout', timeoutMs: 100 });
    await clock.advance(60_000);
    await expect(forever).resolves.toBe('late pong');
  });

  it('a dead pid or an unregistered name fails with noproc', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    rt.exit(server, 'kill');
    await rt.idle();
    await expect(GenServer.call(rt, server, 'ping')).rejects.toMatchObject({ code: 'call_exit', reason: 'noproc' });
    await expect(GenServer.call(rt, 'nobody', 'ping')).rejects.toMatchObject({ code: 'call_exit', reason: 'noproc' });
  });

  it('from a process, a call to a dead pid or an unregistered name fails with noproc at once', async () => {
    const { rt, clock } = setup();
    const server = await startServer(rt);
    rt.exit(server, 'kill');
    await rt.idle();
    const outcomes: unknown[] = [];
    const caller = rt.spawn(function* (self) {
      for (const target of [server, 'nobody']) {
        try {
          yield* GenServer.call(self, target as typeof server, 'ping');
        } catch (error) {
          outcomes.push({ reason: (error as CallExitError).reason, at: clock.now() });
        }
      }
      yield* self.receive(() => false);
    });
    await rt.idle();
    expect(outcomes).toEqual([
      { reason: 'noproc', at: 0 },
      { reason: 'noproc', at: 0 },
    ]);
    // Neither call leaves its DOWN behind.
    expect(rt.messages(caller)).toEqual([]);
  });

  it('a server that crashes while serving gives the caller its exit reason', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    const error = await GenServer.call(rt, server, 'crash').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallExitError);
    expect((error as CallExitError).reason).toMatchObject({ kind: 'error', error: expect.objectContaining({ message: 'crashed while serving' }) });
  });

  it('a server killed while the caller waits gives killed', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    const pending = GenServer.call(rt, server, 'never', Infinity);
    await rt.idle();
    rt.exit(server, 'kill');
    await expect(pending).rejects.toMatchObject({ reason: 'killed' });
  });

  it('a call to the calling process itself fails at once', async () => {
    const { rt } = setup();
    let caught: unknown;
    rt.spawn(
      async (self: ProcessContext) => {
        try {
          await GenServer.call(self, 'me', 'anything');
        } catch (error) {
          caught = error;
        }
      },
      { name: 'me' },
    );
    await rt.idle();
    expect(caught).toMatchObject({ code: 'call_exit', reason: 'calling_self' });
  });

  it('leaves nothing behind in the caller’s mailbox after a reply', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    let caller!: Pid;
    caller = rt.spawn(async (self: ProcessContext) => {
      await GenServer.call(self, server, 'ping');
      await self.receive();
    });
    await rt.idle();
    expect(rt.messages(caller)).toEqual([]);
    expect(rt.processInfo(caller)?.monitors).toEqual([]);
  });

  it('awaiting it in a generator body (instead of yield*) fails loudly', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    let caught: unknown;
    rt.spawn(function* (self: ProcessContext) {
      try {
        (GenServer.call(self, server, 'ping') as unknown as PromiseLike<string>).then(() => {});
      } catch (error) {
        caught = error;
      }
      yield* self.receive({ after: 0 });
    });
    await rt.idle();
    expect(caught).toBeInstanceOf(TypeError);
  });

  it('rejects a bad timeout with a TypeError', () => {
    const { rt } = setup();
    expect(() => GenServer.call(rt, 'x', 'ping', -1)).toThrow(TypeError);
    expect(() => GenServer.call(rt, 42 as unknown as string, 'ping')).toThrow(/server must be/);
  });
});

describe('cast', () => {
  it('never fails, even for an unregistered name or a dead server', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    rt.exit(server, 'kill');
    await rt.idle();
    expect(() => GenServer.cast(rt, 'nobody', 'x')).not.toThrow();
    expect(() => GenServer.cast(rt, server as Pid, 'x')).not.toThrow();
  });
});

describe('the gateway for plain Node code', () => {
  it('runs every call of a runtime through one hidden process', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    await GenServer.call(rt, server, 'ping');
    const count = rt.processCount;
    await Promise.all([1, 2, 3, 4, 5].map(() => GenServer.call(rt, server, 'ping')));
    expect(rt.processCount).toBe(count);
  });

  it('concurrent calls with different timeouts settle independently', async () => {
    const { rt, clock } = setup();
    const server = await startServer(rt);
    const slow = GenServer.call(rt, server, { late: 300 }, 1000);
    const fast = GenServer.call(rt, server, 'ping');
    const doomed = GenServer.call(rt, server, { late: 300 }, 100).catch((error: unknown) => error);
    await expect(fast).resolves.toBe('pong');
    await clock.advance(300);
    expect(await doomed).toBeInstanceOf(CallTimeoutError);
    await expect(slow).resolves.toBe('late pong');
  });

  it('rejects pending calls when the runtime shuts down', async () => {
    const { rt } = setup();
    const server = await startServer(rt);
    const pending = GenServer.call(rt, server, 'never', Infinity);
    // Handle the rejection before shutting down: shutdown waits for the trees to stop
    // (it crosses event-loop turns), and an unhandled rejection would be reported meanwhile.
    const rejected = expect(pending).rejects.toMatchObject({ code: 'gateway_exited' });
    await rt.idle();
    await rt.shutdown();
    await rejected;
  });
});

describe('formatServerRef', () => {
  it("renders {name, node} as Erlang's tuple, not as something that reads like a node name", () => {
    expect(formatServerRef({ name: 'kv', node: 'b@127.0.0.1' })).toBe('{kv, b@127.0.0.1}');
    expect(formatServerRef('kv')).toBe("'kv'");
  });
});

// gen-server-call / gen-server-cast: one client drives a counter gen_server (cf. erlang/bench_gen_server.erl);
// gen-server-call-outside: the same calls from plain async Node code (no BEAM equivalent).
// Every reply is checked, and the cast run ends with a call whose reply must be the cast count.
import { GenServer, noreply, ok, reply, type GenServerModule, type ServerPidOf } from '@troupe/otp';
import { Runtime } from '@troupe/runtime';
import { secondsSince } from './completion.js';
import { inClient } from './otp-client.js';
import { defineWorkload } from './workload.js';

type CounterTypes = { state: number; args: number; call: 'ping' | 'count'; reply: 'pong' | number; cast: 'increment' };

// The Erlang module's init/1, handle_call/3 and handle_cast/2.
const Counter: GenServerModule<CounterTypes> = {
  init: (count) => ok(count),
  handleCall: (request, _from, count) => reply(request === 'ping' ? 'pong' : count, count),
  handleCast: (_request, count) => noreply(count + 1),
};

type CounterPid = ServerPidOf<CounterTypes>;

async function startCounter(rt: Runtime): Promise<CounterPid> {
  const started = await GenServer.start(rt, Counter, 0);
  if (started.kind !== 'ok') throw new Error(`gen-server: the counter did not start: ${JSON.stringify(started)}`);
  return started.pid;
}

function expectPong(answer: unknown): void {
  if (answer !== 'pong') throw new Error(`gen-server-call: expected pong, got ${String(answer)}`);
}

function expectCount(count: unknown, casts: number): void {
  if (count !== casts) throw new Error(`gen-server-cast: the server counted ${String(count)} casts, expected ${casts}`);
}

export const genServerCall = defineWorkload('gen-server-call', {
  variants: ['generator', 'async'],
  async run(variant, { size: calls }) {
    const rt = new Runtime();
    try {
      const server = await startCounter(rt);
      return await inClient(rt, variant, {
        *generator(self) {
          const start = performance.now();
          for (let i = 0; i < calls; i++) expectPong(yield* GenServer.call(self, server, 'ping'));
          return calls / secondsSince(start);
        },
        async async(self) {
          const start = performance.now();
          for (let i = 0; i < calls; i++) expectPong(await GenServer.call(self, server, 'ping'));
          return calls / secondsSince(start);
        },
      });
    } finally {
      await rt.shutdown();
    }
  },
});

export const genServerCast = defineWorkload('gen-server-cast', {
  variants: ['generator', 'async'],
  async run(variant, { size: casts }) {
    const rt = new Runtime();
    try {
      const server = await startCounter(rt);
      return await inClient(rt, variant, {
        *generator(self) {
          const start = performance.now();
          for (let i = 0; i < casts; i++) GenServer.cast(self, server, 'increment');
          expectCount(yield* GenServer.call(self, server, 'count', Infinity), casts);
          return casts / secondsSince(start);
        },
        async async(self) {
          const start = performance.now();
          for (let i = 0; i < casts; i++) GenServer.cast(self, server, 'increment');
          expectCount(await GenServer.call(self, server, 'count', Infinity), casts);
          return casts / secondsSince(start);
        },
      });
    } finally {
      await rt.shutdown();
    }
  },
});

// The client is plain Node code, not a process: filed under the async column, as it awaits.
export const genServerCallOutside = defineWorkload('gen-server-call-outside', {
  variants: ['async'],
  async run(_variant, { size: calls }) {
    const rt = new Runtime();
    try {
      const server = await startCounter(rt);
      const start = performance.now();
      for (let i = 0; i < calls; i++) expectPong(await GenServer.call(rt, server, 'ping'));
      return calls / secondsSince(start);
    } finally {
      await rt.shutdown();
    }
  },
});

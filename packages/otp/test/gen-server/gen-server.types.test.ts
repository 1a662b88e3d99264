// Checks DESIGN.md §5 ("a user who sends the wrong request gets a compile error"): the types
// a gen_server declares flow into start, call, cast and reply. Compiled by `pnpm typecheck`.
import { describe, expectTypeOf, it } from 'vitest';
import type { Pid, ProcessContext, Receive, Runtime } from '@troupe/runtime';
import {
  GenServer,
  noreply,
  ok,
  reply,
  stop,
  type CallResult,
  type From,
  type GenServerModule,
  type ServerPid,
  type StartResult,
  type TypedServerRef,
} from '@troupe/otp';

type Counter = { state: number; args: number; call: 'get' | { add: number }; reply: number; cast: 'reset' };
const Counter: GenServerModule<Counter> = {
  init: (start) => ok(start),
  handleCall: (request, _from, n) => (request === 'get' ? reply(n, n) : reply(n + request.add, n + request.add)),
  handleCast: () => noreply(0),
};

// The checks are for the compiler: the functions holding them are type-checked, never run.
declare const rt: Runtime;
declare const self: ProcessContext;
declare const pid: ServerPid<'get' | { add: number }, 'reset', number>;
const typesOnly = (check: () => void): void => void check;

describe('GenServer types', () => {
  it('start returns a typed pid: a Promise from a Runtime, a Receive from a process', () =>
    typesOnly(() => {
      expectTypeOf(GenServer.start(rt, Counter, 1)).toEqualTypeOf<Promise<StartResult<ServerPid<'get' | { add: number }, 'reset', number>>>>();
      expectTypeOf(GenServer.startLink(self, Counter, 1)).toEqualTypeOf<Receive<StartResult<ServerPid<'get' | { add: number }, 'reset', number>>>>();
      // @ts-expect-error init takes a number
      void GenServer.start(rt, Counter, 'one');
      // @ts-expect-error init needs its argument
      void GenServer.start(rt, Counter);
    }));

  it('a typed pid is still a Pid', () =>
    typesOnly(() => {
      expectTypeOf(pid).toMatchTypeOf<Pid>();
    }));

  it('call checks the request and types the reply', () =>
    typesOnly(() => {
      expectTypeOf(GenServer.call(rt, pid, 'get')).toEqualTypeOf<Promise<number>>();
      expectTypeOf(GenServer.call(self, pid, { add: 2 })).toEqualTypeOf<Receive<number>>();
      // @ts-expect-error not a request this server accepts
      void GenServer.call(rt, pid, 'put');
      // @ts-expect-error wrong field type
      void GenServer.call(rt, pid, { add: '2' });
    }));

  it('cast checks the request', () =>
    typesOnly(() => {
      GenServer.cast(rt, pid, 'reset');
      // @ts-expect-error 'get' is a call, not a cast
      GenServer.cast(rt, pid, 'get');
    }));

  it('a typed name behaves like a typed pid; an untyped ref accepts anything and replies unknown', () =>
    typesOnly(() => {
      const named = GenServer.ref<Counter>('counter');
      expectTypeOf(named).toEqualTypeOf<TypedServerRef<'get' | { add: number }, 'reset', number>>();
      // @ts-expect-error not a request this server accepts
      void GenServer.call(rt, named, 'nope');
      expectTypeOf(GenServer.call(rt, 'anything', { free: 'form' })).toEqualTypeOf<Promise<unknown>>();
    }));

  it('a server without calls refuses every call', () =>
    typesOnly(() => {
      const castOnly = null as unknown as ServerPid<never, 'ping', never>;
      // @ts-expect-error this server takes no calls
      void GenServer.call(rt, castOnly, 'ping');
    }));

  it('callback results are checked against the state and reply types', () =>
    typesOnly(() => {
      expectTypeOf(reply(1, 2)).toMatchTypeOf<CallResult<number, number>>();
      const bad: GenServerModule<Counter> = {
        init: (n) => ok(n),
        // @ts-expect-error the reply must be a number
        handleCall: (_request, _from, n) => reply('text', n),
      };
      const badState: GenServerModule<Counter> = {
        init: (n) => ok(n),
        // @ts-expect-error the state must be a number
        handleCast: () => noreply('zero'),
      };
      void bad;
      void badState;
      expectTypeOf(stop('normal', 1, 5)).toMatchTypeOf<CallResult<number, number>>();
    }));

  it('reply(from) takes the caller’s reply type', () =>
    typesOnly(() => {
      const from = null as unknown as From<number>;
      GenServer.reply(self, from, 42);
      // @ts-expect-error the caller expects a number
      GenServer.reply(self, from, 'forty-two');
    }));
});

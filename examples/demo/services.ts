// The demo's two services, each a gen_server registered by name: a counter and a key-value store.
import { GenServer, ok, reply, type GenServerModule } from '@troupe/otp';

export type CounterRequest = { readonly kind: 'increment' } | { readonly kind: 'crash' };
export type CounterTypes = { state: number; call: CounterRequest; reply: number };

/** Counts requests. One process owns the number, so concurrent increments never race. */
export const Counter: GenServerModule<CounterTypes> = {
  init: () => ok(0),
  handleCall(request, _from, count) {
    if (request.kind === 'crash') throw new Error('counter crashed on purpose (POST /crash/counter)');
    return reply(count + 1, count + 1);
  },
};

export type KvRequest = { readonly kind: 'get'; readonly key: string } | { readonly kind: 'put'; readonly key: string; readonly value: string };
export type KvTypes = { state: Map<string, string>; call: KvRequest; reply: string | undefined };

/** A key-value store; its data lives in the process, so a restart starts it empty. */
export const Kv: GenServerModule<KvTypes> = {
  init: () => ok(new Map()),
  handleCall(request, _from, store) {
    if (request.kind === 'get') return reply(store.get(request.key), store);
    store.set(request.key, request.value);
    return reply(undefined, store);
  },
};

/** Typed references by registered name: they stay valid across restarts. */
export const counter = GenServer.ref<CounterTypes>('counter');
export const kv = GenServer.ref<KvTypes>('kv');

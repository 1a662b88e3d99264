// A key-value store as a gen_server: typed requests, a deliberate crash, and a supervisor spec.
import { GenServer, ok, reply, type ChildSpec, type GenServerModule, type SupervisorSpec } from '@troupe/otp';

export type KvRequest =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'size' };

/** The server's types: the compiler rejects a request that is not a KvRequest. */
export type KvTypes = {
  state: Map<string, string>;
  args: Readonly<Record<string, string>>;
  call: KvRequest;
  reply: string | number | undefined;
};

export const KvStore: GenServerModule<KvTypes> = {
  // init runs again on every restart: the seed comes back, puts made since are gone.
  init: (seed) => ok(new Map(Object.entries(seed))),

  handleCall(request, _from, store) {
    switch (request.kind) {
      case 'get':
        return reply(store.get(request.key), store);
      case 'put':
        // A bug on purpose: this key makes the server throw, i.e. crash.
        if (request.key === 'poison') throw new Error(`cannot store key '${request.key}'`);
        store.set(request.key, request.value);
        return reply(undefined, store);
      case 'size':
        return reply(store.size, store);
    }
  },
};

/** The store registered as 'kv', so clients find it again after a restart. */
export const kv = GenServer.ref<KvTypes>('kv');

/** One permanent child: restarted whatever way it ends; at most 3 restarts in 5 s. */
export const kvSupervisor: SupervisorSpec = {
  strategy: 'one_for_one',
  intensity: 3,
  periodMs: 5000,
  children: [{ id: 'kv', start: { module: KvStore, args: { greeting: 'hello' }, options: { name: 'kv' } } } satisfies ChildSpec],
};

// A gen_server that owns a node:http server on 127.0.0.1; its request handlers call the services.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '@troupe/runtime';
import { CallExitError, CallTimeoutError, GenServer, ok, reply, type GenServerModule } from '@troupe/otp';
import { Backends, firstLive, kvOn, NoLiveNodeError } from './cluster.js';
import { counter, kv } from './services.js';

/** How long a request handler waits for a service before answering 504. */
const CALL_TIMEOUT_MS = 1000;

/** The runtime to call the services with, and the nodes the `/cluster/kv` routes use (part 3). */
export interface EndpointArgs {
  readonly runtime: Runtime;
  readonly backends: Backends;
}

export type EndpointTypes = { state: { readonly server: Server; readonly port: number }; args: EndpointArgs; call: 'port'; reply: number };

/**
 * The endpoint. init opens the server (port 0: the system picks one); terminate closes it,
 * so the supervisor that stops this process also stops the listener. Request handlers are
 * plain Node code: they reach the services with `GenServer.call(runtime, …)`.
 */
export const HttpEndpoint: GenServerModule<EndpointTypes> = {
  async init(args, self) {
    // Trapping exits makes a stop by the supervisor run terminate (and close the server).
    self.trapExit(true);
    const server = createServer((request, response) => void route(args, request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return ok({ server, port: (server.address() as AddressInfo).port });
  },
  handleCall: (_request, _from, state) => reply(state.port, state),
  async terminate(_reason, { server }) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  },
};

export const endpoint = GenServer.ref<EndpointTypes>('http');

// GET /count · GET /kv/:key · PUT /kv/:key · POST /crash/counter, and the cluster's kv:
// GET /cluster/kv/:key · PUT /cluster/kv/:key. A service that is down or restarting
// answers 503; one that is too slow, 504.
async function route({ runtime, backends }: EndpointArgs, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  const key = /^\/kv\/([\w-]+)$/.exec(path)?.[1];
  const clusterKey = /^\/cluster\/kv\/([\w-]+)$/.exec(path)?.[1];
  try {
    // The cluster's kv: a read goes to the first live node that answers (failover); a write
    // goes to every live node, so that each of them can answer the reads.
    if (request.method === 'GET' && clusterKey !== undefined) {
      const { node, value } = await firstLive(backends.live(), (node) => GenServer.call(runtime, kvOn(node), { kind: 'get', key: clusterKey }, CALL_TIMEOUT_MS));
      return value === undefined ? send(response, 404, { error: `no key '${clusterKey}'`, node }) : send(response, 200, { key: clusterKey, value, node });
    }
    if (request.method === 'PUT' && clusterKey !== undefined) {
      const value = await readBody(request);
      const nodes = backends.live();
      const puts = await Promise.allSettled(nodes.map((node) => GenServer.call(runtime, kvOn(node), { kind: 'put', key: clusterKey, value }, CALL_TIMEOUT_MS)));
      const stored = nodes.filter((_node, i) => puts[i]!.status === 'fulfilled');
      return stored.length === 0 ? send(response, 503, { error: 'no live node stored it' }) : send(response, 200, { key: clusterKey, stored });
    }
    if (request.method === 'GET' && path === '/count') {
      return send(response, 200, { count: await GenServer.call(runtime, counter, { kind: 'increment' }, CALL_TIMEOUT_MS) });
    }
    if (request.method === 'POST' && path === '/crash/counter') {
      return send(response, 200, { count: await GenServer.call(runtime, counter, { kind: 'crash' }, CALL_TIMEOUT_MS) });
    }
    if (request.method === 'GET' && key !== undefined) {
      const value = await GenServer.call(runtime, kv, { kind: 'get', key }, CALL_TIMEOUT_MS);
      return value === undefined ? send(response, 404, { error: `no key '${key}'` }) : send(response, 200, { key, value });
    }
    if (request.method === 'PUT' && key !== undefined) {
      await GenServer.call(runtime, kv, { kind: 'put', key, value: await readBody(request) }, CALL_TIMEOUT_MS);
      return send(response, 200, { key });
    }
    send(response, 404, { error: `no route ${request.method} ${path}` });
  } catch (error) {
    if (error instanceof CallExitError) return send(response, 503, { error: error.message });
    if (error instanceof CallTimeoutError) return send(response, 504, { error: error.message });
    if (error instanceof NoLiveNodeError) return send(response, 503, { error: error.message });
    send(response, 500, { error: String(error) });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

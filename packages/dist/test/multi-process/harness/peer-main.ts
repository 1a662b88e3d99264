// The child side of the multi-process harness: one distributed node in its own OS process,
// driven by the test over IPC (start, connect, ping, probes that record what they receive).
import { GenServer, type GenServerModule, noreply, ok, reply } from '@troupe/otp';
import { type Pid, type ProcessContext, Runtime, isPid, isRef } from '@troupe/runtime';
import { type Cluster, type DistributionOptions, startDistribution } from '../../../src/index.js';

/** What the test asks a peer to start with. */
export interface PeerStartOptions {
  readonly name: string;
  readonly cookie?: string;
  /** The port mapper's port, or false for none. */
  readonly portMapperPort: number | false;
  readonly listenPort?: number;
  readonly peers?: DistributionOptions['peers'];
  readonly hidden?: boolean;
  readonly tickTimeMs?: number;
  readonly handshakeTimeoutMs?: number;
}

/** What a probe process does when the test asks (sent to it as `{$harness: action}`). */
export type ProbeAction =
  | { readonly kind: 'send'; readonly to: { name: string; node: string }; readonly message: unknown }
  | { readonly kind: 'link'; readonly to: { name: string; node: string } }
  | { readonly kind: 'monitor'; readonly to: { name: string; node: string }; readonly byPid?: boolean }
  | { readonly kind: 'monitorNode'; readonly node: string }
  | { readonly kind: 'bigSend'; readonly to: { name: string; node: string }; readonly bytes: number }
  | { readonly kind: 'exit'; readonly reason: string };

let runtime: Runtime | undefined;
let cluster: Cluster | undefined;
const logs: string[] = [];
const events: string[] = [];
const probes = new Map<string, { pid: Pid; log: unknown[] }>();

const commands: Record<string, (args: never) => unknown> = {
  async start(options: PeerStartOptions) {
    const logger = {
      error: (line: string) => logs.push(`error: ${line}`),
      warn: (line: string) => logs.push(`warn: ${line}`),
      info: (line: string) => logs.push(`info: ${line}`),
    };
    runtime = new Runtime({ logger, longScheduleMs: false });
    cluster = await startDistribution(runtime, {
      name: options.name,
      cookie: options.cookie ?? 'multi-process-cookie',
      portMapper: options.portMapperPort === false ? false : { port: options.portMapperPort },
      listen: { port: options.listenPort ?? 0 },
      logger,
      ...(options.peers === undefined ? {} : { peers: options.peers }),
      ...(options.hidden === undefined ? {} : { hidden: options.hidden }),
      ...(options.tickTimeMs === undefined ? {} : { tickTimeMs: options.tickTimeMs }),
      ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: options.handshakeTimeoutMs }),
    });
    cluster.events.on('nodeup', (node) => events.push(`nodeup ${node}`));
    cluster.events.on('nodedown', (node, info) => events.push(`nodedown ${node} ${info.reason}`));
    return { name: cluster.name, port: cluster.address.port };
  },
  connect: ({ node }: { node: string }) => the().connect(node),
  // Dials at a wall-clock instant, so that two peers told at once really dial at once.
  async connectAt({ node, atMs }: { node: string; atMs: number }) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));
    await the().connect(node);
  },
  ping: ({ node }: { node: string }) => the().ping(node),
  nodes: ({ kind }: { kind?: 'visible' | 'hidden' | 'connected' }) => the().nodes(kind),
  logs: () => logs,
  events: () => events,
  probe({ name, trapExit }: { name: string; trapExit?: boolean }) {
    const log: unknown[] = [];
    const pid = runtime!.spawn((self: ProcessContext) => probe(self, log), { name, ...(trapExit ? { trapExit } : {}) });
    probes.set(name, { pid, log });
    return describe(pid);
  },
  act({ probe: name, action }: { probe: string; action: ProbeAction }) {
    runtime!.send(probes.get(name)!.pid, { $harness: action });
  },
  messages: ({ probe: name }: { probe: string }) => probes.get(name)?.log ?? [],
  async startCounter({ name }: { name: string }) {
    const started = await GenServer.start(runtime!, Counter, undefined, { name });
    if (started.kind !== 'ok') throw new Error(`counter did not start: ${started.kind}`);
  },
  async stop() {
    await cluster?.stop();
    setImmediate(() => process.exit(0));
  },
};

// A gen_server for cross-node calls: `get` answers the count, a cast adds to it.
type CounterTypes = { state: number; call: 'get'; reply: number; cast: number };
const Counter: GenServerModule<CounterTypes> = {
  init: () => ok(0),
  handleCall: (_request, _from, state) => reply(state, state),
  handleCast: (by, state) => noreply(state + by),
};

function the(): Cluster {
  if (cluster === undefined) throw new Error('not started');
  return cluster;
}

// A probe records what it receives (described as plain data), obeys the harness, and
// answers `whoami` and `size` requests from other nodes.
async function probe(self: ProcessContext, log: unknown[]): Promise<void> {
  for (;;) {
    const message = (await self.receive()) as Record<string, unknown>;
    if (message?.['$harness'] !== undefined) {
      await act(self, message['$harness'] as ProbeAction, log);
    } else if (message?.['cmd'] === 'whoami') {
      self.send(message['replyTo'] as Pid, { kind: 'iam', pid: self.pid });
    } else if (message?.['cmd'] === 'size') {
      const bytes = (message['payload'] as Buffer).length;
      log.push({ kind: 'received-big', bytes });
      self.send(message['replyTo'] as Pid, { kind: 'size', bytes });
    } else {
      log.push(describe(message));
    }
  }
}

async function act(self: ProcessContext, action: ProbeAction, log: unknown[]): Promise<void> {
  switch (action.kind) {
    case 'send':
      self.send(action.to, action.message);
      return;
    case 'link':
      self.link(await whoami(self, action.to));
      log.push({ kind: 'linked' });
      return;
    case 'monitor':
      self.monitor(action.byPid === true ? await whoami(self, action.to) : action.to);
      log.push({ kind: 'monitoring' });
      return;
    case 'monitorNode':
      the().monitorNode(self, action.node);
      return;
    case 'bigSend':
      self.send(action.to, { cmd: 'size', replyTo: self.pid, payload: Buffer.alloc(action.bytes, 1) });
      return;
    case 'exit':
      self.exit(action.reason);
  }
}

// Asks a remote probe for its pid, with the reply addressed to an alias (a Ref).
async function whoami(self: ProcessContext, to: { name: string; node: string }): Promise<Pid> {
  const alias = self.alias();
  self.send(to, { cmd: 'whoami', replyTo: alias });
  const answer = (await self.receive((m) => (m as { kind?: unknown })?.kind === 'iam')) as { pid: Pid };
  self.unalias(alias);
  return answer.pid;
}

/** Plain data for IPC: pids as `pid:<node>/<id>`, refs as `ref:<node>`, buffers by size. */
function describe(value: unknown): unknown {
  if (isPid(value)) return `pid:${value.node}/${value.id}`;
  if (isRef(value)) return `ref:${value.node}`;
  if (Buffer.isBuffer(value)) return { bytes: value.length };
  if (value instanceof Error) return { error: value.name, message: value.message };
  if (Array.isArray(value)) return value.map(describe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, describe(field)]));
  }
  return value;
}

process.on('message', (request: { id: number; cmd: string; args: never }) => {
  Promise.resolve()
    .then(() => commands[request.cmd]!(request.args))
    .then(
      (value) => process.send!({ id: request.id, ok: true, value: value ?? null }),
      (error: { message?: string; code?: string; reason?: string }) =>
        process.send!({ id: request.id, ok: false, error: { message: error?.message, code: error?.code, reason: error?.reason } }),
    );
});
process.on('disconnect', () => process.exit(0)); // the test process went away

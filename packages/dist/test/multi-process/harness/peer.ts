// The test side of the multi-process harness: fork real Node peers, drive them over IPC,
// host one node in the test process itself, and kill every child after each test.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Runtime } from '@troupe/runtime';
import type { Cluster } from '../../../src/cluster/cluster.js';
import { startDistribution } from '../../../src/cluster/start.js';
import { recordingLogger } from '../../cluster/support.js';
import type { PeerStartOptions, ProbeAction } from './peer-main.js';

export { freePort } from '../../port-mapper/support.js';
export { until } from '../../cluster/support.js';

export const COOKIE = 'multi-process-cookie';
const MAIN = fileURLToPath(new URL('./peer-main.ts', import.meta.url));
const live = new Set<Peer>();

/** A node running in a child process. */
export class Peer {
  name = '';
  port = 0;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #output = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    const keep = (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-8_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (reply: { id: number; ok: boolean; value?: never; error?: { message: string; code?: string; reason?: string } }) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.ok) pending?.resolve(reply.value as never);
      else pending?.reject(Object.assign(new Error(reply.error?.message ?? 'failed'), reply.error));
    });
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.#exited.then(() => {
      live.delete(this);
      for (const { reject } of this.#pending.values()) reject(new Error(`peer ${this.name} exited\n${this.#output}`));
      this.#pending.clear();
    });
  }

  /** Forks a child and starts its node. */
  static async start(options: PeerStartOptions): Promise<Peer> {
    const child = fork(MAIN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const peer = new Peer(child);
    live.add(peer);
    const { name, port } = await peer.call<{ name: string; port: number }>('start', options, 20_000);
    peer.name = name;
    peer.port = port;
    return peer;
  }

  /** The child's OS process id. */
  get osPid(): number {
    return this.#child.pid!;
  }

  call<T = unknown>(cmd: string, args: object = {}, timeoutMs = 10_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`peer ${this.name}: '${cmd}' got no answer in ${timeoutMs} ms\n${this.#output}`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.#child.send({ id, cmd, args });
    });
  }

  connect(node: string): Promise<void> {
    return this.call('connect', { node });
  }
  ping(node: string): Promise<'pong' | 'pang'> {
    return this.call('ping', { node });
  }
  nodes(kind?: 'visible' | 'hidden' | 'connected'): Promise<string[]> {
    return this.call('nodes', { kind });
  }
  logs(): Promise<string[]> {
    return this.call('logs');
  }
  events(): Promise<string[]> {
    return this.call('events');
  }
  probe(name: string, trapExit = false): Promise<string> {
    return this.call('probe', { name, trapExit });
  }
  act(probe: string, action: ProbeAction): Promise<void> {
    return this.call('act', { probe, action });
  }
  messages(probe: string): Promise<Record<string, unknown>[]> {
    return this.call('messages', { probe });
  }

  /** Sends a signal; resolves once the child has exited when the signal ends it. */
  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGCONT'); // a stopped child must run to die
      this.#child.kill('SIGKILL');
    }
    return this.#exited;
  }
}

/** Kills every child still alive (afterEach). */
export async function killPeers(): Promise<void> {
  await Promise.all([...live].map((peer) => peer.kill()));
}

/** A node in the test process itself, over TCP, to observe from. */
export interface LocalNode {
  readonly runtime: Runtime;
  readonly cluster: Cluster;
  readonly logs: string[];
  stop(): Promise<void>;
}

export async function startLocalNode(options: {
  readonly name: string;
  readonly portMapperPort: number | false;
  readonly cookie?: string;
  readonly tickTimeMs?: number;
  readonly peers?: Readonly<Record<string, { host: string; port: number }>>;
}): Promise<LocalNode> {
  const logger = recordingLogger();
  const runtime = new Runtime({ logger, longScheduleMs: false });
  const cluster = await startDistribution(runtime, {
    name: options.name,
    cookie: options.cookie ?? COOKIE,
    portMapper: options.portMapperPort === false ? false : { port: options.portMapperPort },
    logger,
    ...(options.tickTimeMs === undefined ? {} : { tickTimeMs: options.tickTimeMs }),
    ...(options.peers === undefined ? {} : { peers: options.peers }),
  });
  return {
    runtime,
    cluster,
    logs: logger.lines,
    stop: async () => {
      await cluster.stop();
      await runtime.shutdown();
    },
  };
}

// Test helpers for in-process clusters: runtimes joined over one MemoryNetwork, probes, bounded waits.
import { type Logger, type Pid, type ProcessContext, Runtime } from '@troupe/runtime';
import { MemoryNetwork, MemoryTransport } from '../../src/transport/memory.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { type DistributionOptions, startDistribution } from '../../src/cluster/start.js';

/** A logger that keeps every line, as `level: message`. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    error: (message) => lines.push(`error: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    info: (message) => lines.push(`info: ${message}`),
  };
}

export interface TestNode {
  readonly network: MemoryNetwork;
  readonly name: string;
  readonly runtime: Runtime;
  readonly cluster: Cluster;
  readonly logs: string[];
}

export const COOKIE = 'test-cookie';

/**
 * Starts one node per short name (`a` → `a@127.0.0.1`) on a shared in-memory network;
 * every node knows every other's address (a static peer list), none is connected yet.
 */
export async function startNodes(
  shortNames: readonly string[],
  options: Partial<DistributionOptions> & { readonly perNode?: Readonly<Record<string, Partial<DistributionOptions>>> } = {},
): Promise<TestNode[]> {
  const network = new MemoryNetwork();
  const names = shortNames.map((n) => `${n}@127.0.0.1`);
  const peers = Object.fromEntries(names.map((name, i) => [name, { host: '127.0.0.1', port: 41_000 + i }]));
  const { perNode = {}, ...common } = options;
  const nodes: TestNode[] = [];
  for (const [i, name] of names.entries()) {
    const logger = recordingLogger();
    const runtime = new Runtime({ logger, longScheduleMs: false });
    const cluster = await startDistribution(runtime, {
      name,
      cookie: COOKIE,
      portMapper: false,
      listen: { port: 41_000 + i },
      peers,
      transport: new MemoryTransport(network),
      logger,
      ...common,
      ...perNode[shortNames[i]!],
    });
    nodes.push({ network, name, runtime, cluster, logs: logger.lines });
  }
  return nodes;
}

/** Stops every node's distribution and runtime. */
export async function stopNodes(nodes: readonly TestNode[]): Promise<void> {
  for (const node of nodes) await node.cluster.stop();
  for (const node of nodes) await node.runtime.shutdown();
}

/** Resolves once `condition()` is truthy; fails after `withinMs` (bounded, event-loop driven). */
export async function until<T>(condition: () => T | Promise<T>, withinMs = 2_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A process that records every message it receives; optionally traps exits and registers a name. */
export function spawnProbe(runtime: Runtime, options: { readonly name?: string; readonly trapExit?: boolean } = {}) {
  const messages: unknown[] = [];
  const pid = runtime.spawn(
    async (self: ProcessContext) => {
      for (;;) messages.push(await self.receive());
    },
    { ...(options.name === undefined ? {} : { name: options.name }), ...(options.trapExit ? { trapExit: true } : {}) },
  );
  return { pid, messages };
}

/** A process that runs `body` and then waits forever (so it stays alive for links/monitors). */
export function spawnIdle(runtime: Runtime, name?: string): Pid {
  return runtime.spawn(
    async (self: ProcessContext) => {
      await self.receive(() => false);
    },
    name === undefined ? {} : { name },
  );
}

let boxes = 0;

/**
 * `pid` (a process of `owner`) as `viewer` knows it: sent over the wire inside a message,
 * never handed across as a JS object — two runtimes in one process must not share pids.
 */
export async function pidSeenFrom(viewer: TestNode, owner: TestNode, pid: Pid): Promise<Pid> {
  const name = `pid-box-${boxes++}`;
  const box = spawnProbe(viewer.runtime, { name });
  owner.runtime.send({ name, node: viewer.name }, { pid });
  const [message] = await until(() => (box.messages.length > 0 ? box.messages : undefined));
  viewer.runtime.exit(box.pid, 'kill');
  return (message as { pid: Pid }).pid;
}

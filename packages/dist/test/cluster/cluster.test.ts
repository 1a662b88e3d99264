// Cluster basics in one process: connect, ping, nodes, monitorNode, stop, options; and over real TCP.
import { type ProcessContext, Runtime } from '@troupe/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { startDistribution } from '../../src/cluster/start.js';
import { freePort } from '../port-mapper/support.js';
import { type TestNode, recordingLogger, spawnProbe, startNodes, stopNodes, until } from './support.js';

describe('Cluster basics (in-process)', () => {
  let nodes: TestNode[] = [];
  afterEach(async () => {
    await stopNodes(nodes);
    nodes = [];
  });

  it('connects, pings and lists visible nodes on both sides', async () => {
    nodes = await startNodes(['a', 'b']);
    const [a, b] = nodes as [TestNode, TestNode];
    const ups: string[] = [];
    b.cluster.events.on('nodeup', (node) => ups.push(node));
    await a.cluster.connect(b.name);
    expect(a.cluster.nodes()).toEqual([b.name]);
    await until(() => b.cluster.nodes().length === 1);
    expect(b.cluster.nodes()).toEqual([a.name]);
    expect(ups).toEqual([a.name]);
    expect(await a.cluster.ping(b.name)).toBe('pong');
    expect(await b.cluster.ping(a.name)).toBe('pong');
    expect(await a.cluster.ping(a.name)).toBe('pong');
    expect(await a.cluster.ping('nobody@127.0.0.1')).toBe('pang');
    await expect(a.cluster.connect('nobody@127.0.0.1')).rejects.toMatchObject({ code: 'node_unreachable', reason: 'no_address' });
    expect(a.cluster.nodes()).toEqual([b.name]);
  });

  it('sends to {name, node}', async () => {
    nodes = await startNodes(['a', 'b']);
    const [a, b] = nodes as [TestNode, TestNode];
    const probe = spawnProbe(b.runtime, { name: 'inbox' });
    a.runtime.send({ name: 'inbox', node: b.name }, { hello: 1 });
    await until(() => probe.messages.length === 1);
    expect(probe.messages).toEqual([{ hello: 1 }]);
  });

  it('monitorNode: one nodedown message per subscription, at once for an unreachable node', async () => {
    nodes = await startNodes(['a', 'b']);
    const [a, b] = nodes as [TestNode, TestNode];
    const seen: unknown[] = [];
    a.runtime.spawn(async (self: ProcessContext) => {
      a.cluster.monitorNode(self, b.name);
      a.cluster.monitorNode(self, b.name);
      a.cluster.monitorNode(self, b.name);
      a.cluster.monitorNode(self, b.name, false);
      a.cluster.monitorNode(self, 'ghost@127.0.0.1');
      for (;;) seen.push(await self.receive());
    });
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ kind: 'nodedown', node: 'ghost@127.0.0.1' }]);
    await until(() => a.cluster.nodes().includes(b.name)); // monitorNode connected it
    b.cluster.disconnect(a.name);
    await until(() => seen.length === 3);
    expect(seen.slice(1)).toEqual([
      { kind: 'nodedown', node: b.name },
      { kind: 'nodedown', node: b.name },
    ]);
  });

  it('stop() takes every connection down, with shutdown here and connection_closed there', async () => {
    nodes = await startNodes(['a', 'b']);
    const [a, b] = nodes as [TestNode, TestNode];
    await a.cluster.connect(b.name);
    const here: unknown[] = [];
    const there: unknown[] = [];
    a.cluster.events.on('nodedown', (node, info) => here.push([node, info.reason]));
    b.cluster.events.on('nodedown', (node, info) => there.push([node, info.reason]));
    await a.cluster.stop();
    await until(() => there.length === 1);
    expect(here).toEqual([[b.name, 'shutdown']]);
    expect(there).toEqual([[a.name, 'connection_closed']]);
    expect(await a.cluster.ping(b.name)).toBe('pang');
    await expect(a.cluster.connect(b.name)).rejects.toMatchObject({ code: 'distribution_stopped' });
    expect(a.runtime.whereis('net_kernel')).toBeUndefined();
    expect(a.runtime.nodeName).toBe(a.name);
  });

  it('refuses bad options', async () => {
    const runtime = new Runtime();
    await expect(startDistribution(runtime, { name: 'a b@c', cookie: 'x' })).rejects.toThrow(TypeError);
    await expect(startDistribution(runtime, { name: 'a@c', cookie: 'x', tickTimeMs: 1 })).rejects.toThrow(/tickTimeMs/);
    await expect(startDistribution(runtime, { name: 'a@c', cookie: 'x', portMapper: { port: 0 } })).rejects.toThrow(/fixed port/);
    await expect(startDistribution(runtime, { name: 'a@c', cookie: '' })).rejects.toThrow(/cookie/);
    await runtime.shutdown();
  });
});

describe('over TCP with the embedded port mapper (in-process)', () => {
  const runtimes: Runtime[] = [];
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    for (const runtime of runtimes.splice(0)) await runtime.shutdown();
  });

  it('the first node starts the port mapper, the second finds it, and they connect by name', async () => {
    const port = await freePort();
    const start = async (name: string) => {
      const logger = recordingLogger();
      const runtime = new Runtime({ logger });
      runtimes.push(runtime);
      const cluster = await startDistribution(runtime, { name, cookie: 'tcp-cookie', portMapper: { port }, logger });
      stops.push(() => cluster.stop());
      return { runtime, cluster, logger };
    };
    const a = await start('tcp_a@127.0.0.1');
    const b = await start('tcp_b@127.0.0.1');
    expect(await a.cluster.ping(b.cluster.name)).toBe('pong');
    expect(b.cluster.nodes()).toEqual([a.cluster.name]);
    expect(a.cluster.address.host).toBe('127.0.0.1');
    expect([...a.logger.lines, ...b.logger.lines]).toEqual([]);
    // The name is taken while tcp_a lives.
    const clash = new Runtime({ logger: recordingLogger() });
    runtimes.push(clash);
    await expect(startDistribution(clash, { name: 'tcp_a@127.0.0.1', cookie: 'tcp-cookie', portMapper: { port } })).rejects.toMatchObject({
      code: 'register_failed',
    });
  });
});

describe('listener failures (in-process)', () => {
  let nodes: TestNode[] = [];
  afterEach(async () => {
    await stopNodes(nodes);
    nodes = [];
  });

  it('a throwing nodeup/nodedown listener is logged and does not break the connection', async () => {
    nodes = await startNodes(['a', 'b']);
    const [a, b] = nodes as [TestNode, TestNode];
    a.cluster.events.on('nodeup', () => {
      throw new Error('listener bug');
    });
    a.cluster.events.on('nodedown', () => {
      throw new Error('listener bug');
    });
    expect(await a.cluster.ping(b.name)).toBe('pong');
    expect(a.logs.filter((line) => /nodeup listener for b@127\.0\.0\.1 failed: Error: listener bug/.test(line))).toHaveLength(1);
    a.cluster.disconnect(b.name);
    expect(a.logs.filter((line) => /nodedown listener/.test(line))).toHaveLength(1);
    expect(await a.cluster.ping(b.name)).toBe('pong');
  });
});

// Full mesh, hidden nodes and simultaneous connects, in one process over the memory transport.
import { afterEach, describe, expect, it } from 'vitest';
import { type TestNode, startNodes, stopNodes, until } from './support.js';

describe('mesh (in-process)', () => {
  let nodes: TestNode[] = [];
  afterEach(async () => {
    await stopNodes(nodes);
    nodes = [];
  });

  it('meshes transitively: A–B and B–C give A–C', async () => {
    nodes = await startNodes(['a', 'b', 'c']);
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    await a.cluster.connect(b.name);
    await c.cluster.connect(b.name);
    await until(() => a.cluster.nodes().includes(c.name) && c.cluster.nodes().includes(a.name), 2000, 'A–C');
    for (const node of nodes) expect(node.cluster.nodes().sort()).toEqual(nodes.filter((n) => n !== node).map((n) => n.name).sort());
  });

  it('meshes a larger group joined through one node', async () => {
    nodes = await startNodes(['a', 'b', 'c', 'd', 'e']);
    const [hub, ...rest] = nodes as [TestNode, ...TestNode[]];
    await Promise.all(rest.map((node) => node.cluster.connect(hub.name)));
    await until(() => nodes.every((node) => node.cluster.nodes().length === 4), 3000, 'a full mesh of 5');
    for (const node of nodes) expect(node.logs).toEqual([]);
  });

  it('keeps hidden nodes out of nodes() and out of the mesh', async () => {
    nodes = await startNodes(['a', 'b', 'h'], { perNode: { h: { hidden: true } } });
    const [a, b, h] = nodes as [TestNode, TestNode, TestNode];
    const ups: unknown[] = [];
    b.cluster.events.on('nodeup', (node, info) => ups.push([node, info.hidden]));
    await h.cluster.connect(b.name);
    await a.cluster.connect(b.name);
    await until(() => ups.length === 2);
    expect(ups).toContainEqual([h.name, true]);
    expect(b.cluster.nodes()).toEqual([a.name]);
    expect(b.cluster.nodes('hidden')).toEqual([h.name]);
    expect(b.cluster.nodes('connected').sort()).toEqual([a.name, h.name].sort());
    expect(h.cluster.nodes()).toEqual([]);
    expect(h.cluster.nodes('hidden')).toEqual([b.name]);
    // Nobody told a about h, nor h about a.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(a.cluster.nodes('connected')).toEqual([b.name]);
    expect(h.cluster.nodes('connected')).toEqual([b.name]);
    expect(await h.cluster.ping(a.name)).toBe('pong'); // but a hidden node may connect explicitly
    expect(a.cluster.nodes()).toEqual([b.name]);
    expect(a.cluster.nodes('hidden')).toEqual([h.name]);
  });

  it('settles a simultaneous connect on exactly one connection, and both connects succeed', async () => {
    for (let round = 0; round < 5; round++) {
      nodes = await startNodes(['a', 'b']);
      const [a, b] = nodes as [TestNode, TestNode];
      const events: string[] = [];
      for (const node of nodes) {
        node.cluster.events.on('nodeup', (peer) => events.push(`${node.name} up ${peer}`));
        node.cluster.events.on('nodedown', (peer, info) => events.push(`${node.name} down ${peer} ${info.reason}`));
      }
      await Promise.all([a.cluster.connect(b.name), b.cluster.connect(a.name)]);
      await until(() => events.length === 2);
      expect(events.sort()).toEqual([`${a.name} up ${b.name}`, `${b.name} up ${a.name}`]);
      expect(await a.cluster.ping(b.name)).toBe('pong');
      expect(await b.cluster.ping(a.name)).toBe('pong');
      expect(events).toHaveLength(2);
      await stopNodes(nodes);
      nodes = [];
    }
  });
});

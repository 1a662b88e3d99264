// Bounded output: a connection over its high-water mark is busy (events, isBusy, whenDrained).
import type { ProcessContext } from '@troupe/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestNode, spawnProbe, startNodes, stopNodes, until } from './support.js';

describe('busy dist port (in-process)', () => {
  let nodes: TestNode[] = [];
  afterEach(async () => {
    await stopNodes(nodes);
    nodes = [];
  });

  it('goes busy past maxBufferedBytes, drains, and delivers everything in order', async () => {
    nodes = await startNodes(['a', 'b'], { maxBufferedBytes: 256 * 1024 });
    const [a, b] = nodes as [TestNode, TestNode];
    const probe = spawnProbe(b.runtime, { name: 'sink' });
    await a.cluster.connect(b.name);
    const events: string[] = [];
    a.cluster.events.on('busy', (node) => events.push(`busy ${node}`));
    a.cluster.events.on('drain', (node) => events.push(`drain ${node}`));
    a.runtime.spawn((self: ProcessContext) => {
      for (let i = 0; i < 20; i++) self.send({ name: 'sink', node: b.name }, { i, blob: Buffer.alloc(64 * 1024) });
    });
    await until(() => a.cluster.isBusy(b.name) || events.length > 0);
    expect(events[0]).toBe(`busy ${b.name}`);
    await a.cluster.whenDrained(b.name);
    expect(a.cluster.isBusy(b.name)).toBe(false);
    await until(() => probe.messages.length === 20);
    expect(probe.messages.map((m) => (m as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(events).toEqual([`busy ${b.name}`, `drain ${b.name}`]);
  });
});

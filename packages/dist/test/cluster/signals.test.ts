// Network transparency in one process: send, links, monitors, exit/2 and aliases across two runtimes.
import { type DownMessage, type ExitMessage, type Pid, type ProcessContext, isDownMessage, isExitMessage } from '@troupe/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestNode, pidSeenFrom, spawnIdle, spawnProbe, startNodes, stopNodes, until } from './support.js';

describe('signals across nodes (in-process)', () => {
  let nodes: TestNode[] = [];
  let a: TestNode;
  let b: TestNode;
  afterEach(async () => {
    await stopNodes(nodes);
    nodes = [];
  });
  async function pair(): Promise<void> {
    nodes = await startNodes(['a', 'b']);
    [a, b] = nodes as [TestNode, TestNode];
  }

  // A process on b, and its pid as a knows it (learned over the wire).
  async function remotePid(name = 'target'): Promise<{ pid: Pid; local: Pid }> {
    const local = spawnIdle(b.runtime, name);
    return { pid: await pidSeenFrom(a, b, local), local };
  }

  it('connects on the first send (auto-connect) and keeps the order of many messages', async () => {
    await pair();
    const probe = spawnProbe(b.runtime, { name: 'inbox' });
    for (let i = 0; i < 1000; i++) a.runtime.send({ name: 'inbox', node: b.name }, i);
    await until(() => probe.messages.length === 1000);
    expect(probe.messages).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(a.cluster.nodes()).toEqual([b.name]);
  });

  it('routes a remote pid that came in a message back to its process', async () => {
    await pair();
    const { pid, local } = await remotePid();
    expect(pid.node).toBe(b.name);
    expect(pid.isLocal).toBe(false);
    const probe = spawnProbe(b.runtime, { name: 'echo-check' });
    a.runtime.spawn((self: ProcessContext) => {
      self.send(pid, { from: self.pid });
      self.send({ name: 'echo-check', node: b.name }, 'done');
    });
    await until(() => probe.messages.length === 1);
    expect(b.runtime.messages(local)).toHaveLength(1);
  });

  it('routes a send to a remote alias (a Ref address)', async () => {
    await pair();
    const replies: unknown[] = [];
    const server = spawnProbe(b.runtime, { name: 'server' });
    a.runtime.spawn(async (self: ProcessContext) => {
      const alias = self.alias();
      self.send({ name: 'server', node: b.name }, { replyTo: alias });
      replies.push(await self.receive());
    });
    const [request] = await until(() => (server.messages.length > 0 ? server.messages : undefined));
    b.runtime.send((request as { replyTo: never }).replyTo, 'reply via alias');
    await until(() => replies.length === 1);
    expect(replies).toEqual(['reply via alias']);
  });

  it('propagates a link exit both ways, as EXIT when trapping', async () => {
    await pair();
    const { pid: remote, local } = await remotePid();
    const watcher = spawnProbe(a.runtime, { trapExit: true });
    a.runtime.spawn((self: ProcessContext) => self.send(watcher.pid, 'start'));
    // Link from a's trapping probe to b's process, then crash b's process.
    const linker = a.runtime.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      self.link(remote);
      self.send(watcher.pid, { linked: true });
      const exit = await self.receive(isExitMessage);
      self.send(watcher.pid, exit);
    });
    await until(() => watcher.messages.some((m) => (m as { linked?: boolean }).linked));
    await until(() => (b.runtime.processInfo(local)?.links.length ?? 0) === 1);
    b.runtime.exit(local, 'boom');
    const exit = (await until(() => watcher.messages.find(isExitMessage))) as ExitMessage;
    expect(exit.reason).toBe('boom');
    expect(exit.from.equals(remote)).toBe(true);
    expect(a.runtime.isAlive(linker)).toBe(false);
  });

  it('kills a non-trapping linked process across nodes, and a remote exit/2 kill is untrappable', async () => {
    await pair();
    const { pid: remote, local } = await remotePid();
    const victim = a.runtime.spawn(async (self: ProcessContext) => {
      self.link(remote);
      await self.receive(() => false);
    });
    await until(() => (b.runtime.processInfo(local)?.links.length ?? 0) === 1);
    const exits: unknown[] = [];
    a.runtime.events.on('exit', (pid, reason) => pid.equals(victim) && exits.push(reason));
    b.runtime.exit(local, 'crashed');
    await until(() => exits.length === 1);
    expect(exits).toEqual(['crashed']);

    const trapper = b.runtime.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      await self.receive(() => false);
    });
    const trapperExit: unknown[] = [];
    b.runtime.events.on('exit', (pid, reason) => pid.equals(trapper) && trapperExit.push(reason));
    // a sends exit(pid, kill) to b's trapping process, through a pid learned by message.
    const remoteTrapper = await pidSeenFrom(a, b, trapper);
    a.runtime.spawn((self: ProcessContext) => self.exit(remoteTrapper, 'kill'));
    await until(() => trapperExit.length === 1);
    expect(trapperExit).toEqual(['killed']);
  });

  it('monitors a remote pid and a remote name: DOWN with the real reason, noproc for nobody', async () => {
    await pair();
    const { pid: remote, local } = await remotePid('watched');
    const downs: DownMessage[] = [];
    a.runtime.spawn(async (self: ProcessContext) => {
      const byPid = self.monitor(remote);
      const byName = self.monitor({ name: 'watched', node: b.name });
      const missing = self.monitor({ name: 'nobody', node: b.name });
      self.send({ name: 'ready', node: a.name }, [byPid, byName, missing]);
      for (;;) downs.push((await self.receive(isDownMessage)) as DownMessage);
    });
    spawnProbe(a.runtime, { name: 'ready' });
    await until(() => downs.length === 1, 2000, 'noproc DOWN');
    expect(downs[0]).toMatchObject({ reason: 'noproc', target: { name: 'nobody', node: b.name } });
    await until(() => (b.runtime.processInfo(local)?.monitoredBy.length ?? 0) === 2);
    b.runtime.exit(local, 'bye');
    await until(() => downs.length === 3);
    expect(downs.slice(1).map((d) => d.reason)).toEqual(['bye', 'bye']);
    expect(downs.slice(1).some((d) => (d.target as Pid).equals?.(remote))).toBe(true);
    expect(downs.slice(1).some((d) => (d.target as { name?: string }).name === 'watched')).toBe(true);
  });

  it('demonitor removes the remote half', async () => {
    await pair();
    const { pid: remote, local } = await remotePid();
    const done: boolean[] = [];
    a.runtime.spawn(async (self: ProcessContext) => {
      const ref = self.monitor(remote);
      await self.sleep(20);
      self.demonitor(ref);
      done.push(true);
      await self.receive(() => false);
    });
    await until(() => done.length === 1 && b.runtime.processInfo(local)?.monitoredBy.length === 0);
  });

  it('fires noconnection on links and monitors when the connection drops', async () => {
    await pair();
    const { pid: remote, local } = await remotePid();
    const seen: unknown[] = [];
    a.runtime.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      self.link(remote);
      self.monitor(remote);
      a.cluster.monitorNode(self, b.name);
      for (;;) seen.push(await self.receive());
    });
    const downs: unknown[] = [];
    a.cluster.events.on('nodedown', (node, info) => downs.push([node, info.reason]));
    const bDowns: unknown[] = [];
    b.cluster.events.on('nodedown', (node, info) => bDowns.push([node, info.reason]));
    await until(() => b.runtime.processInfo(local)?.monitoredBy.length === 1);
    expect(a.cluster.disconnect(b.name)).toBe(true);
    await until(() => seen.length === 3);
    expect(seen).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'EXIT', reason: 'noconnection' }),
        expect.objectContaining({ kind: 'DOWN', reason: 'noconnection' }),
        { kind: 'nodedown', node: b.name },
      ]),
    );
    expect(downs).toEqual([[b.name, 'disconnect']]);
    await until(() => bDowns.length === 1);
    expect(bDowns).toEqual([[a.name, 'connection_closed']]);
    // On b, the linked process does not trap exits: noconnection ends it too.
    await until(() => !b.runtime.isAlive(local));
  });

  it('answers a link and a monitor to an unreachable node with noconnection', async () => {
    await pair();
    const { pid: remote } = await remotePid();
    await b.cluster.stop();
    await until(() => a.cluster.nodes().length === 0);
    const seen: unknown[] = [];
    a.runtime.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      self.link(remote);
      self.monitor(remote);
      for (;;) seen.push(await self.receive());
    });
    await until(() => seen.length === 2);
    expect(seen.map((m) => (m as { reason: unknown }).reason)).toEqual(['noconnection', 'noconnection']);
  });
});

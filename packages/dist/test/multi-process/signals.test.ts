// Real child processes: send, link and monitor across OS processes; SIGKILL a peer ⇒ noconnection.
import { GenServer } from '@troupe/otp';
import { type Pid, type ProcessContext, isDownMessage, isExitMessage } from '@troupe/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalNode, Peer, freePort, killPeers, startLocalNode, until } from './harness/peer.js';

describe('signals across OS processes', () => {
  let local: LocalNode | undefined;
  afterEach(async () => {
    await killPeers();
    await local?.stop();
    local = undefined;
  });

  async function setup(): Promise<{ local: LocalNode; b: Peer }> {
    const portMapperPort = await freePort();
    local = await startLocalNode({ name: 'sig_a@127.0.0.1', portMapperPort });
    const b = await Peer.start({ name: 'sig_b@127.0.0.1', portMapperPort });
    await b.probe('inbox', true);
    return { local, b };
  }

  // A local process that records everything (trapping exits) and gets b's probe pid by asking.
  function observer(node: LocalNode, b: Peer, body: (self: ProcessContext, remote: Pid) => void) {
    const seen: unknown[] = [];
    node.runtime.spawn(async (self: ProcessContext) => {
      self.trapExit(true);
      self.send({ name: 'inbox', node: b.name }, { cmd: 'whoami', replyTo: self.pid });
      const { pid } = (await self.receive((m) => (m as { kind?: unknown }).kind === 'iam')) as { pid: Pid };
      body(self, pid);
      seen.push({ ready: pid });
      for (;;) seen.push(await self.receive());
    });
    return seen;
  }

  it('sends both ways, to names and pids, in order', async () => {
    const { local, b } = await setup();
    const seen = observer(local, b, (self, remote) => {
      for (let i = 0; i < 100; i++) self.send(remote, { n: i });
    });
    await until(async () => (await b.messages('inbox')).length === 100, 5000);
    expect((await b.messages('inbox')).map((m) => m['n'])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    local.runtime.register('back', local.runtime.spawn(async (self: ProcessContext) => void seen.push(await self.receive())));
    await b.act('inbox', { kind: 'send', to: { name: 'back', node: local.cluster.name }, message: { from: 'b' } });
    await until(() => seen.some((m) => (m as { from?: string }).from === 'b'));
  });

  it('links and monitors across processes; SIGKILL of the peer fires noconnection and nodedown', async () => {
    const { local, b } = await setup();
    const downs: unknown[] = [];
    local.cluster.events.on('nodedown', (node, info) => downs.push([node, info.reason]));
    const seen = observer(local, b, (self, remote) => {
      self.link(remote);
      self.monitor(remote);
      self.monitor({ name: 'inbox', node: b.name });
      local!.cluster.monitorNode(self, b.name);
    });
    await until(() => seen.length > 0);
    // b's probe links to a local process too: it traps exits, so it logs what it gets.
    await b.act('inbox', { kind: 'monitor', to: { name: 'back', node: local.cluster.name } });
    await until(async () => (await b.messages('inbox')).some((m) => m['kind'] === 'DOWN'));
    expect((await b.messages('inbox')).find((m) => m['kind'] === 'DOWN')).toMatchObject({ reason: 'noproc' });
    b.signal('SIGKILL');
    await until(() => seen.filter((m) => isExitMessage(m) || isDownMessage(m) || (m as { kind?: string }).kind === 'nodedown').length === 4, 5000);
    expect(seen.filter(isExitMessage).map((m) => m.reason)).toEqual(['noconnection']);
    expect(seen.filter((m) => isDownMessage(m)).map((m) => (m as { reason: unknown }).reason)).toEqual(['noconnection', 'noconnection']);
    expect(seen).toContainEqual({ kind: 'nodedown', node: b.name });
    expect(downs).toEqual([[b.name, 'connection_closed']]);
    expect(local.cluster.nodes()).toEqual([]);
  });

  it('a remote process that dies sends the real reason along its link and monitor', async () => {
    const { local, b } = await setup();
    const seen = observer(local, b, (self, remote) => {
      self.link(remote);
      self.monitor(remote);
    });
    await until(() => seen.length > 0);
    await b.act('inbox', { kind: 'exit', reason: 'finished badly' });
    await until(() => seen.filter((m) => isExitMessage(m) || isDownMessage(m)).length === 2, 5000);
    expect(seen.filter((m) => isExitMessage(m) || isDownMessage(m)).map((m) => (m as { reason: unknown }).reason)).toEqual([
      'finished badly',
      'finished badly',
    ]);
    expect(local.cluster.nodes()).toEqual([b.name]);
  });

  it('calls a gen_server in another OS process by {name, node}', async () => {
    const { local, b } = await setup();
    await b.call('startCounter', { name: 'counter' });
    const counter = { name: 'counter', node: b.name };
    GenServer.cast(local.runtime, counter, 40);
    GenServer.cast(local.runtime, counter, 2);
    expect(await GenServer.call(local.runtime, counter, 'get')).toBe(42);
    await expect(GenServer.call(local.runtime, { name: 'nobody', node: b.name }, 'get')).rejects.toMatchObject({ code: 'call_exit', reason: 'noproc' });
  });
});

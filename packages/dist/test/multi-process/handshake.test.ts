// Real child processes on 127.0.0.1: connect and ping, a wrong cookie, a simultaneous connect.
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalNode, Peer, freePort, killPeers, startLocalNode, until } from './harness/peer.js';

describe('handshake across OS processes', () => {
  let local: LocalNode | undefined;
  afterEach(async () => {
    await killPeers();
    await local?.stop();
    local = undefined;
  });

  it('connects and pings a child node found through the embedded port mapper', async () => {
    const portMapperPort = await freePort();
    local = await startLocalNode({ name: 'mp_a@127.0.0.1', portMapperPort });
    const b = await Peer.start({ name: 'mp_b@127.0.0.1', portMapperPort });
    expect(await local.cluster.ping(b.name)).toBe('pong');
    expect(local.cluster.nodes()).toEqual([b.name]);
    expect(await b.nodes()).toEqual([local.cluster.name]);
    expect(await b.ping(local.cluster.name)).toBe('pong');
    expect(await b.logs()).toEqual([]);
    expect(local.logs).toEqual([]);
  });

  it('refuses a wrong cookie, and both sides log it once', async () => {
    const portMapperPort = await freePort();
    local = await startLocalNode({ name: 'mp_a@127.0.0.1', portMapperPort });
    const b = await Peer.start({ name: 'mp_b@127.0.0.1', portMapperPort, cookie: 'not-the-cookie' });
    await expect(b.connect(local.cluster.name)).rejects.toMatchObject({ code: 'node_unreachable', reason: 'bad_cookie' });
    expect(await local.cluster.ping(b.name)).toBe('pang');
    expect(local.cluster.nodes()).toEqual([]);
    await until(() => local!.logs.length >= 2);
    expect(local.logs.filter((line) => /bad_cookie/.test(line))).toHaveLength(2); // accepted b's dial, and our own dial
    const logs = await b.logs();
    expect(logs.filter((line) => /bad_cookie/.test(line))).toHaveLength(2);
    expect(logs.every((line) => line.startsWith('warn: '))).toBe(true);
  });

  it('settles a simultaneous connect between two children on one connection', async () => {
    const portMapperPort = await freePort();
    const [b, c] = await Promise.all([
      Peer.start({ name: 'mp_b@127.0.0.1', portMapperPort }),
      Peer.start({ name: 'mp_c@127.0.0.1', portMapperPort }),
    ]);
    const atMs = Date.now() + 200;
    await Promise.all([b.call('connectAt', { node: c.name, atMs }), c.call('connectAt', { node: b.name, atMs })]);
    expect(await b.nodes()).toEqual([c.name]);
    expect(await c.nodes()).toEqual([b.name]);
    expect(await b.ping(c.name)).toBe('pong');
    expect(await b.events()).toEqual([`nodeup ${c.name}`]);
    expect(await c.events()).toEqual([`nodeup ${b.name}`]);
  });
});

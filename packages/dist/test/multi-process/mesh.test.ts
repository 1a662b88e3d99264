// Real child processes: transitive mesh, a static peer list without a port mapper, and the
// embedded port mapper dying with its node (the others register again).
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalNode, Peer, freePort, killPeers, startLocalNode, until } from './harness/peer.js';

describe('mesh across OS processes', () => {
  let local: LocalNode | undefined;
  afterEach(async () => {
    await killPeers();
    await local?.stop();
    local = undefined;
  });

  it('meshes three nodes transitively: A–B and B–C give A–C', async () => {
    const portMapperPort = await freePort();
    local = await startLocalNode({ name: 'mesh_a@127.0.0.1', portMapperPort });
    const [b, c] = await Promise.all([
      Peer.start({ name: 'mesh_b@127.0.0.1', portMapperPort }),
      Peer.start({ name: 'mesh_c@127.0.0.1', portMapperPort }),
    ]);
    await local.cluster.connect(b.name);
    await c.connect(b.name);
    await until(() => local!.cluster.nodes().length === 2, 5000, 'A–C');
    expect(local.cluster.nodes().sort()).toEqual([b.name, c.name]);
    expect((await c.nodes()).sort()).toEqual([local.cluster.name, b.name]);
    expect((await b.nodes()).sort()).toEqual([local.cluster.name, c.name]);
  });

  it('connects nodes that run without a port mapper through a static peer list', async () => {
    const b = await Peer.start({ name: 'static_b@127.0.0.1', portMapperPort: false, listenPort: await freePort() });
    local = await startLocalNode({
      name: 'static_a@127.0.0.1',
      portMapperPort: false,
      peers: { [b.name]: { host: '127.0.0.1', port: b.port } },
    });
    expect(await local.cluster.ping(b.name)).toBe('pong');
    expect(await b.nodes()).toEqual([local.cluster.name]);
    // b has no address for a, but the connection a made serves both ways.
    expect(await b.ping(local.cluster.name)).toBe('pong');
  });

  it('re-registers with a new embedded port mapper when the node that ran it dies', async () => {
    const portMapperPort = await freePort();
    const host = await Peer.start({ name: 'pm_host@127.0.0.1', portMapperPort }); // starts the embedded one
    const c = await Peer.start({ name: 'pm_c@127.0.0.1', portMapperPort });
    local = await startLocalNode({ name: 'pm_a@127.0.0.1', portMapperPort });
    expect(await local.cluster.ping(c.name)).toBe('pong');
    local.cluster.disconnect(c.name);
    await host.kill();
    await until(async () => (await c.logs()).some((line) => /registered again/.test(line)) && local!.logs.some((line) => /registered again/.test(line)), 8000);
    expect(await local.cluster.ping(c.name)).toBe('pong');
    expect(await c.ping(local.cluster.name)).toBe('pong');
  });
});

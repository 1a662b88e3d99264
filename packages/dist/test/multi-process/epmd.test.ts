// Erlang's own epmd serving our nodes, on a free port in the foreground. Skipped without epmd.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { EpmdClient } from '../../src/port-mapper/epmd-client.js';
import { type LocalNode, Peer, freePort, killPeers, startLocalNode, until } from './harness/peer.js';

function hasEpmd(): boolean {
  try {
    execFileSync('which', ['epmd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasEpmd())('a real epmd as the port mapper', () => {
  let local: LocalNode | undefined;
  let epmd: ChildProcess | undefined;
  afterEach(async () => {
    await killPeers();
    await local?.stop();
    local = undefined;
    if (epmd !== undefined && epmd.exitCode === null) {
      const exited = new Promise((resolve) => epmd!.once('exit', resolve));
      epmd.kill();
      await exited;
    }
  });

  it('registers both nodes with epmd, which serves their lookups', async () => {
    const port = await freePort();
    epmd = spawn('epmd', ['-port', String(port), '-address', '127.0.0.1'], { stdio: 'ignore' });
    const client = new EpmdClient({ port, timeoutMs: 2000 });
    await until(() => client.names().then(() => true, () => false), 5000, 'epmd');
    local = await startLocalNode({ name: 'epmd_a@127.0.0.1', portMapperPort: port });
    const b = await Peer.start({ name: 'epmd_b@127.0.0.1', portMapperPort: port });
    const names = (await client.names()).map((entry) => entry.name).sort();
    expect(names).toEqual(['epmd_a', 'epmd_b']);
    expect(await client.lookup('epmd_b')).toBe(b.port);
    expect(await local.cluster.ping(b.name)).toBe('pong');
    expect(await b.ping(local.cluster.name)).toBe('pong');
    expect(local.logs).toEqual([]);
  });
});

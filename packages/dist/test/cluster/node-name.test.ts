// Node names and the peer directory (static list first, then the port mapper).
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { aliveName, hostOf, resolveNodeName } from '../../src/cluster/node-name.js';
import { PeerDirectory } from '../../src/cluster/peer-directory.js';
import { EpmdServer } from '../../src/port-mapper/epmd-server.js';
import { EpmdClient } from '../../src/port-mapper/epmd-client.js';

describe('node names', () => {
  it('keeps long and short names, completes a bare one with the short host name', () => {
    expect(resolveNodeName('a@127.0.0.1')).toBe('a@127.0.0.1');
    expect(resolveNodeName('a@db1')).toBe('a@db1');
    expect(resolveNodeName('a')).toBe(`a@${hostname().split('.')[0]}`);
    expect(aliveName('a@db1.example.com')).toBe('a');
    expect(hostOf('a@db1.example.com')).toBe('db1.example.com');
  });

  it('refuses what is not name@host', () => {
    for (const bad of ['', '@h', 'a@', 'a@b@c', 'a b@h', 42, `${'x'.repeat(256)}@h`]) {
      expect(() => resolveNodeName(bad)).toThrow(TypeError);
    }
  });
});

describe('PeerDirectory', () => {
  it('resolves static entries first, then asks the port mapper on the node host', async () => {
    const server = await EpmdServer.start({ port: 0 });
    const registration = await new EpmdClient({ port: server.port }).register('reg', 40123);
    try {
      const directory = new PeerDirectory({ peers: { 'fixed@127.0.0.1': { host: '127.0.0.1', port: 1234 } }, portMapperPort: server.port });
      expect(await directory.resolve('fixed@127.0.0.1')).toEqual({ host: '127.0.0.1', port: 1234 });
      expect(await directory.resolve('reg@127.0.0.1')).toEqual({ host: '127.0.0.1', port: 40123 });
      await expect(directory.resolve('ghost@127.0.0.1')).rejects.toMatchObject({ code: 'node_unreachable', reason: 'not_registered' });
    } finally {
      await registration.close();
      await server.close();
    }
  });

  it('without a port mapper, only static entries resolve', async () => {
    const directory = new PeerDirectory();
    await expect(directory.resolve('a@127.0.0.1')).rejects.toMatchObject({ reason: 'no_address' });
    directory.add('a@127.0.0.1', { host: '127.0.0.1', port: 9 });
    expect(await directory.resolve('a@127.0.0.1')).toEqual({ host: '127.0.0.1', port: 9 });
    expect(() => directory.add('nope', { host: '127.0.0.1', port: 9 })).toThrow(TypeError);
  });
});

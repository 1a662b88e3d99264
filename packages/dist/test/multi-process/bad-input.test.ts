// Bad input against a running child node over real TCP: each case closes that connection
// with one log line there; the node keeps serving its other peer.
import { type Socket, createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import { NO_NODE, NodeTable } from '@troupe/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialHandshake } from '../../src/handshake/handshake.js';
import { Codec } from '../../src/wire/codec.js';
import { encodeFramed } from '../../src/wire/framing.js';
import { COOKIE, type LocalNode, Peer, freePort, killPeers, startLocalNode, until } from './harness/peer.js';

const codec = new Codec(new NodeTable(NO_NODE, 0));

describe('bad input against a running node (OS processes)', () => {
  let local: LocalNode;
  let b: Peer;
  beforeEach(async () => {
    const portMapperPort = await freePort();
    local = await startLocalNode({ name: 'bad_a@127.0.0.1', portMapperPort });
    b = await Peer.start({ name: 'bad_b@127.0.0.1', portMapperPort, handshakeTimeoutMs: 300 });
    expect(await local.cluster.ping(b.name)).toBe('pong');
  });
  afterEach(async () => {
    await killPeers();
    await local.stop();
  });

  function raw(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: b.port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        socket.resume();
        resolve(socket);
      });
    });
  }

  async function authenticated(): Promise<Duplex> {
    const socket = await raw();
    socket.pause();
    const result = await dialHandshake(socket, { name: 'intruder@127.0.0.1', cookie: COOKIE, creation: 1, peerName: b.name });
    result.socket.on('error', () => {});
    result.socket.resume();
    return result.socket;
  }

  function closed(socket: Duplex): Promise<void> {
    return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
  }

  async function oneLineAndHealthy(before: number, pattern: RegExp): Promise<void> {
    await until(async () => (await b.logs()).length > before, 3000, 'a log line');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const lines = (await b.logs()).slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(await local.cluster.ping(b.name)).toBe('pong');
    expect(await b.nodes()).toEqual([local.cluster.name]);
  }

  it('garbage before the handshake', async () => {
    const before = (await b.logs()).length;
    const socket = await raw();
    socket.write('\x16\x03\x01\x02\x00 not a troupe node');
    await closed(socket);
    await oneLineAndHealthy(before, /^warn: .*an unnamed peer rejected: bad_frame/);
  });

  it('a peer that connects and says nothing', async () => {
    const before = (await b.logs()).length;
    await closed(await raw());
    await oneLineAndHealthy(before, /^warn: .*an unnamed peer rejected: timeout/);
  });

  const cases: [string, () => Buffer, string][] = [
    ['a malformed frame', () => Buffer.from([0, 0, 0, 4, 0xc1, 0xc1, 0xc1, 0xc1]), 'bad_payload'],
    ['an oversized frame', () => Buffer.from([0xff, 0xff, 0xff, 0xff]), 'frame_too_large'],
    ['an unknown frame kind', () => encodeFramed(codec, { t: 'teleport' } as never), 'bad_frame'],
  ];
  it.each(cases)('%s after the handshake', async (_what, bytes, code) => {
    const socket = await authenticated();
    await until(async () => (await b.nodes()).includes('intruder@127.0.0.1'));
    const before = (await b.logs()).length;
    socket.write(bytes());
    await closed(socket);
    await oneLineAndHealthy(before, new RegExp(`^warn: bad_b@127\\.0\\.0\\.1: connection to intruder@127\\.0\\.0\\.1 closed: ${code}`));
  });
});

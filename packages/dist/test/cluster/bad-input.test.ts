// Bad input against a running node: each case closes that one connection with one log line;
// the node keeps serving its other peer.
import type { Duplex } from 'node:stream';
import { NO_NODE, NodeTable } from '@troupe/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialHandshake } from '../../src/handshake/handshake.js';
import { MemoryTransport } from '../../src/transport/memory.js';
import { Codec } from '../../src/wire/codec.js';
import { encodeFramed } from '../../src/wire/framing.js';
import { COOKIE, type TestNode, startNodes, stopNodes, until } from './support.js';

const INTRUDER = 'x@127.0.0.1';

describe('bad input (in-process)', () => {
  let nodes: TestNode[] = [];
  let a: TestNode;
  let b: TestNode;
  const codec = new Codec(new NodeTable(NO_NODE, 0));

  beforeEach(async () => {
    nodes = await startNodes(['a', 'b'], { perNode: { b: { handshakeTimeoutMs: 100 } } });
    [a, b] = nodes as [TestNode, TestNode];
    await a.cluster.connect(b.name);
  });
  afterEach(async () => {
    await stopNodes(nodes);
    nodes = [];
  });

  async function raw(): Promise<Duplex> {
    return new MemoryTransport(b.network).dial('127.0.0.1', b.cluster.address.port);
  }

  // Reads (and drops) what the node sends, so the socket sees the node close it.
  function drained(socket: Duplex): Duplex {
    socket.on('error', () => {});
    socket.resume();
    return socket;
  }

  async function authenticated(): Promise<Duplex> {
    const result = await dialHandshake(await raw(), { name: INTRUDER, cookie: COOKIE, creation: 1, peerName: b.name });
    drained(result.socket);
    await until(() => b.cluster.nodes().includes(INTRUDER));
    return result.socket;
  }

  function closed(socket: Duplex): Promise<void> {
    return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
  }

  async function expectOneLineAndHealthy(before: number, pattern: RegExp): Promise<void> {
    await until(() => b.logs.length > before, 2000, 'a log line');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(b.logs.slice(before)).toHaveLength(1);
    expect(b.logs[before]).toMatch(pattern);
    expect(b.cluster.nodes()).toEqual([a.name]);
    expect(await a.cluster.ping(b.name)).toBe('pong');
    expect(a.logs).toEqual([]);
  }

  it('garbage before the handshake', async () => {
    const before = b.logs.length;
    const socket = drained(await raw());
    socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: troupe\r\n\r\n'));
    await closed(socket);
    await expectOneLineAndHealthy(before, /^warn: .*rejected: bad_frame/);
  });

  it('a peer that connects and says nothing', async () => {
    const before = b.logs.length;
    const socket = drained(await raw());
    await closed(socket);
    await expectOneLineAndHealthy(before, /^warn: .*an unnamed peer rejected: timeout/);
  });

  it('a wrong cookie', async () => {
    const before = b.logs.length;
    const attempt = dialHandshake(await raw(), { name: INTRUDER, cookie: 'wrong', creation: 1, peerName: b.name });
    await expect(attempt).rejects.toMatchObject({ code: 'bad_cookie' });
    await expectOneLineAndHealthy(before, /^warn: .*node x@127\.0\.0\.1 rejected: bad_cookie/);
  });

  const cases: [string, () => Buffer, RegExp][] = [
    ['a malformed frame (not msgpack)', () => Buffer.from([0, 0, 0, 3, 0xc1, 0xc1, 0xc1]), /closed: bad_payload/],
    ['an oversized frame', () => Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]), /closed: frame_too_large/],
    ['an unknown frame kind', () => encodeFramed(codec, { t: 'teleport' } as never), /closed: bad_frame: unknown frame type 'teleport'/],
    ['an ill-formed frame', () => encodeFramed(codec, { t: 'send', message: 1 } as never), /closed: bad_frame: send frame: missing field 'to'/],
    ['a handshake frame', () => encodeFramed(codec, { t: 'hs_alive_answer', proceed: true }), /closed: bad_frame: handshake frame/],
    ['a fragment out of sequence', () => encodeFramed(codec, { t: 'fragment', id: 1, seq: 3, last: true, chunk: Buffer.from('x') }), /closed: bad_fragment/],
  ];
  it.each(cases)('%s after the handshake', async (_what, bytes, pattern) => {
    const downs: unknown[] = [];
    b.cluster.events.on('nodedown', (node, info) => downs.push([node, info.reason]));
    const socket = await authenticated();
    const before = b.logs.length;
    socket.write(bytes());
    await closed(socket);
    await expectOneLineAndHealthy(before, new RegExp(`^warn: b@127\\.0\\.0\\.1: connection to x@127\\.0\\.0\\.1 ${pattern.source}`));
    expect(downs).toHaveLength(1);
  });
});

// Connection: two ends over an in-memory duplex pair — frames, fragments, ticks, closing, bad input.
import { VirtualClock } from '@troupe/runtime/testing';
import { describe, expect, it } from 'vitest';
import { type CloseReason, Connection } from '../../src/connection/connection.js';
import { SendQueue } from '../../src/connection/send-queue.js';
import { createDuplexPair } from '../../src/transport/memory.js';
import type { ConnectionFrame } from '../../src/wire/frame.js';
import { encodeFramed } from '../../src/wire/framing.js';
import { terms } from './support.js';

const FRAGMENT = 4096;

function end(options: { buffered?: Buffer; clock?: VirtualClock; tickTimeMs?: number } = {}) {
  const t = terms();
  const [socket, peer] = createDuplexPair();
  socket.pause();
  const received: ConnectionFrame[] = [];
  const closes: [CloseReason, string | undefined][] = [];
  const connection = new Connection({
    peerName: 'b@127.0.0.1',
    socket,
    buffered: options.buffered ?? Buffer.alloc(0),
    codec: t.codec,
    queue: new SendQueue({ codec: t.codec, fragmentBytes: FRAGMENT, maxMessageBytes: 1024 * 1024 }),
    clock: options.clock ?? new VirtualClock(),
    tickTimeMs: options.tickTimeMs ?? 60_000,
    maxMessageBytes: 1024 * 1024,
    handler: {
      frame: (frame) => received.push(frame),
      closed: (reason, error) => closes.push([reason, error?.message]),
    },
  });
  peer.on('error', () => {});
  return { ...t, connection, peer, received, closes };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('Connection', () => {
  it('delivers the bytes the handshake read ahead first, then the stream', async () => {
    const t = terms();
    const first = encodeFramed(t.codec, { t: 'send', to: t.local(1), message: 'first' });
    const { connection, peer, received, codec, local } = end({ buffered: first.subarray(0, 7) });
    connection.start();
    peer.write(Buffer.concat([first.subarray(7), encodeFramed(codec, { t: 'send', to: local(1), message: 'second' })]));
    await settle();
    expect(received.map((f) => (f as { message: unknown }).message)).toEqual(['first', 'second']);
  });

  it('carries a big message in fragments and a later small one after it', async () => {
    const a = end();
    // Wire a second connection to a's peer socket so both ends speak frames.
    const t = terms();
    const received: ConnectionFrame[] = [];
    const b = new Connection({
      peerName: 'a@127.0.0.1',
      socket: a.peer,
      buffered: Buffer.alloc(0),
      codec: t.codec,
      queue: new SendQueue({ codec: t.codec, fragmentBytes: FRAGMENT }),
      clock: new VirtualClock(),
      tickTimeMs: 60_000,
      maxMessageBytes: 1024 * 1024,
      handler: { frame: (frame) => received.push(frame), closed: () => {} },
    });
    a.connection.start();
    b.start();
    const big = Buffer.alloc(100 * FRAGMENT, 7);
    a.connection.send({ t: 'send', from: a.local(5), to: a.pid(1), message: big }, 'p5', false);
    a.connection.send({ t: 'send', from: a.local(5), to: a.pid(1), message: 'small' }, 'p5', false);
    await settle();
    const messages = received.map((f) => (f as { message: unknown }).message);
    expect(messages).toHaveLength(2);
    expect(Buffer.compare(messages[0] as Buffer, big)).toBe(0); // (toEqual on 400 KB is slow)
    expect(messages[1]).toBe('small');
    a.connection.close('disconnect');
  });

  it('closes once with connection_closed when the peer goes away', async () => {
    const { connection, peer, closes } = end();
    connection.start();
    peer.destroy();
    await settle();
    expect(closes).toEqual([['connection_closed', undefined]]);
    connection.close('disconnect');
    expect(closes).toHaveLength(1);
  });

  it('closes with net_tick_timeout when the peer is silent for the tick time, and ticks meanwhile', async () => {
    const clock = new VirtualClock();
    const { connection, peer, closes } = end({ clock, tickTimeMs: 1000 });
    let bytesFromUs = 0;
    peer.on('data', (chunk: Buffer) => (bytesFromUs += chunk.length));
    connection.start();
    for (let i = 0; i < 3; i++) {
      await clock.advance(250);
      await settle();
    }
    expect(bytesFromUs).toBeGreaterThan(0); // ticks
    expect(closes).toEqual([]);
    await clock.advance(250);
    expect(closes).toEqual([['net_tick_timeout', undefined]]);
  });

  it.each([
    ['bad_payload', Buffer.from([0, 0, 0, 2, 0xc1, 0xc1])],
    ['frame_too_large', Buffer.from([0x7f, 0, 0, 0])],
  ] as const)('closes with %s on bad bytes', async (reason, bytes) => {
    const { connection, peer, closes } = end();
    connection.start();
    peer.write(bytes);
    await settle();
    expect(closes).toHaveLength(1);
    expect(closes[0]![0]).toBe(reason);
  });
});

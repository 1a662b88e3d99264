// Big messages between two connections: fragments streamed into the message as they arrive.
import { VirtualClock } from '@troupe/runtime/testing';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/connection/connection.js';
import { SendQueue } from '../../src/connection/send-queue.js';
import { createDuplexPair } from '../../src/transport/memory.js';
import type { ConnectionFrame } from '../../src/wire/frame.js';
import { JOIN_MAX_BYTES } from '../../src/wire/fragments.js';
import { terms } from './support.js';

function pair() {
  const [left, right] = createDuplexPair();
  const received: ConnectionFrame[] = [];
  const closes: string[] = [];
  const make = (socket: typeof left, peerName: string) => {
    const t = terms();
    socket.pause();
    const connection = new Connection({
      peerName,
      socket,
      buffered: Buffer.alloc(0),
      codec: t.codec,
      queue: new SendQueue({ codec: t.codec, maxMessageBytes: 64 * 1024 * 1024 }),
      clock: new VirtualClock(),
      tickTimeMs: 60_000,
      maxMessageBytes: 64 * 1024 * 1024,
      handler: { frame: (frame) => received.push(frame), closed: (reason) => closes.push(reason) },
    });
    connection.start();
    return { connection, ...t };
  };
  return { a: make(left, 'b@127.0.0.1'), b: make(right, 'a@127.0.0.1'), received, closes };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('Connection (big messages)', () => {
  it.each([
    ['joined from views of the socket chunks', 1024 * 1024 + 5],
    ['filled in place as it comes', JOIN_MAX_BYTES + 70_000],
  ])('delivers a message %s, with small ones of other senders in between', async (_how, size) => {
    const { a, received, closes } = pair();
    const big = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4093) big[i] = (i >> 3) & 0xff;
    a.connection.send({ t: 'send', from: a.local(1), to: a.pid(2), message: ['bin', big, 'tail'] }, 'p1', false);
    for (let i = 0; i < 50; i++) a.connection.send({ t: 'send', from: a.local(3), to: a.pid(2), message: ['small', i] }, 'p3', false);
    a.connection.send({ t: 'send', from: a.local(1), to: a.pid(2), message: 'after' }, 'p1', false);
    await until(() => received.length === 52);
    expect(closes).toEqual([]);
    const messages = received.map((frame) => (frame as { message: unknown }).message);
    const bigIndex = messages.findIndex((m) => Array.isArray(m) && m[0] === 'bin');
    const [, body, tail] = messages[bigIndex] as [string, Buffer, string];
    expect(Buffer.isBuffer(body) && body.equals(big)).toBe(true);
    expect(tail).toBe('tail');
    expect(messages.indexOf('after')).toBeGreaterThan(bigIndex);
    expect(messages.filter((m) => Array.isArray(m) && m[0] === 'small').map((m) => (m as [string, number])[1])).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(bigIndex).toBeGreaterThan(0); // small ones of another sender were not held behind it
    a.connection.close('disconnect');
  });
});

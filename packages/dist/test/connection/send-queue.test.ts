// SendQueue: lanes, per-sender order, fragments, the high-water mark, and closing.
import { describe, expect, it } from 'vitest';
import { SendQueue } from '../../src/connection/send-queue.js';
import type { ConnectionFrame, Frame } from '../../src/wire/frame.js';
import { RecordingSocket, terms, turns } from './support.js';

const FRAGMENT = 1024;

function setup(options: { highWaterMark?: number } = {}) {
  const t = terms();
  const queue = new SendQueue({ codec: t.codec, fragmentBytes: FRAGMENT, maxMessageBytes: 1024 * 1024, ...options });
  const socket = new RecordingSocket();
  return { ...t, queue, socket };
}

// A short label per frame: `tick`, `link <from>`, `send <from> <message>`, `fragment <id>/<seq>`.
function labels(frames: Frame[]): string[] {
  return frames.map((frame) => {
    if (frame.t === 'fragment') return `fragment ${frame.id}/${frame.seq}${frame.last ? ' last' : ''}`;
    if (frame.t === 'send') return `send ${frame.from?.id} ${typeof frame.message === 'string' ? frame.message : 'big'}`;
    if (frame.t === 'link') return `link ${frame.from.id}`;
    return frame.t;
  });
}

describe('SendQueue', () => {
  it('writes control frames ahead of data queued by other senders', async () => {
    const { queue, socket, codec, pid, local } = setup();
    queue.push({ t: 'send', from: local(1), to: pid(9), message: Buffer.alloc(5 * FRAGMENT) }, 'p1', false);
    queue.push({ t: 'link', from: local(2), to: pid(9) }, 'p2', true);
    queue.push({ t: 'tick' }, undefined, true);
    queue.attach(socket.asDuplex());
    await turns();
    expect(labels(socket.frames(codec)).slice(0, 3)).toEqual(['link 2', 'tick', 'fragment 0/0']);
  });

  it("never lets a sender's signal overtake its own queued data", async () => {
    const { queue, socket, codec, pid, local } = setup();
    queue.push({ t: 'send', from: local(1), to: pid(9), message: Buffer.alloc(3 * FRAGMENT) }, 'p1', false);
    queue.push({ t: 'link', from: local(1), to: pid(9) }, 'p1', true);
    queue.attach(socket.asDuplex());
    await turns();
    const written = labels(socket.frames(codec));
    expect(written.indexOf('link 1')).toBeGreaterThan(written.findIndex((l) => l.endsWith('last')));
  });

  it('interleaves two big messages and keeps each sender in order', async () => {
    const { queue, socket, codec, pid, local } = setup();
    const big = (from: number): ConnectionFrame => ({ t: 'send', from: local(from), to: pid(9), message: Buffer.alloc(3 * FRAGMENT) });
    queue.push(big(1), 'p1', false);
    queue.push(big(2), 'p2', false);
    queue.push({ t: 'send', from: local(1), to: pid(9), message: 'after' }, 'p1', false);
    queue.attach(socket.asDuplex());
    await turns();
    const written = labels(socket.frames(codec));
    expect(written.slice(0, 4)).toEqual(['fragment 0/0', 'fragment 1/0', 'fragment 0/1', 'fragment 1/1']);
    const lastOfFirst = written.findIndex((l) => l.startsWith('fragment 0/') && l.endsWith('last'));
    expect(written.indexOf('send 1 after')).toBeGreaterThan(lastOfFirst);
  });

  it('keeps small frames of different senders in send order (a FIFO, as the BEAM)', async () => {
    const { queue, socket, codec, pid, local } = setup();
    for (const [from, text] of [[1, 'a'], [2, 'b'], [1, 'c'], [3, 'd']] as const) {
      queue.push({ t: 'send', from: local(from), to: pid(9), message: text }, `p${from}`, false);
    }
    queue.attach(socket.asDuplex());
    await turns();
    expect(labels(socket.frames(codec))).toEqual(['send 1 a', 'send 2 b', 'send 1 c', 'send 3 d']);
  });

  it("lets other senders' small frames through between the fragments of a big message", async () => {
    const { queue, socket, codec, pid, local } = setup();
    queue.push({ t: 'send', from: local(1), to: pid(9), message: Buffer.alloc(8 * FRAGMENT) }, 'p1', false);
    for (let i = 0; i < 3; i++) queue.push({ t: 'send', from: local(2), to: pid(9), message: `s${i}` }, 'p2', false);
    queue.attach(socket.asDuplex());
    await turns();
    const written = labels(socket.frames(codec));
    const lastFragment = written.findIndex((l) => l.endsWith('last'));
    expect(written.indexOf('send 2 s2')).toBeLessThan(lastFragment);
  });

  it('writes what running code queued in one write before the event loop turns again', async () => {
    const { queue, socket, codec, pid, local } = setup();
    queue.attach(socket.asDuplex());
    queue.push({ t: 'send', from: local(1), to: pid(9), message: 'a' }, 'p1', false);
    queue.push({ t: 'send', from: local(2), to: pid(9), message: 'b' }, 'p2', false);
    expect(socket.chunks).toHaveLength(0);
    await Promise.resolve();
    expect(socket.chunks).toHaveLength(1);
    expect(labels(socket.frames(codec))).toEqual(['send 1 a', 'send 2 b']);
  });

  it('leaves the rest of a big payload to later event-loop turns, never to a chain of microtasks', async () => {
    const { queue, socket, pid, local } = setup({ highWaterMark: 1024 * 1024 });
    queue.attach(socket.asDuplex());
    queue.push({ t: 'send', from: local(1), to: pid(9), message: Buffer.alloc(800 * FRAGMENT) }, 'p1', false);
    for (let i = 0; i < 100; i++) await Promise.resolve();
    const inMicrotasks = queue.bytesWritten;
    expect(inMicrotasks).toBeGreaterThan(0);
    expect(inMicrotasks).toBeLessThan(400 * FRAGMENT);
    await turns(50);
    expect(queue.queuedBytes).toBe(0);
  });

  it('keeps the socket buffer short while the peer does not read, so a tick waits behind little', async () => {
    const { queue, socket, codec, pid, local } = setup({ highWaterMark: 1024 * 1024 });
    socket.stalled = true;
    queue.attach(socket.asDuplex());
    queue.push({ t: 'send', from: local(1), to: pid(9), message: Buffer.alloc(200 * FRAGMENT) }, 'p1', false);
    await turns(5);
    // At most max(4 fragments, the socket's own high-water mark) plus the fragment that crossed it.
    expect(socket.writableLength).toBeLessThanOrEqual(Math.max(4 * FRAGMENT, socket.writableHighWaterMark) + FRAGMENT + 64);
    expect(queue.queuedBytes).toBeGreaterThan(150 * FRAGMENT);
    queue.push({ t: 'tick' }, undefined, true);
    await turns();
    socket.release();
    await turns();
    const written = labels(socket.frames(codec));
    expect(written.indexOf('tick')).toBeLessThan(20);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(queue.queuedBytes).toBe(0);
  });

  it('is busy above the high-water mark and drains at half of it', async () => {
    const { queue, socket, pid, local } = setup({ highWaterMark: 10 * FRAGMENT });
    const events: string[] = [];
    queue.on('busy', () => events.push('busy'));
    queue.on('drain', () => events.push('drain'));
    for (let i = 0; i < 12; i++) queue.push({ t: 'send', from: local(1), to: pid(9), message: Buffer.alloc(FRAGMENT - 64) }, 'p1', false);
    expect(queue.busy).toBe(true);
    expect(events).toEqual(['busy']);
    queue.attach(socket.asDuplex());
    await turns();
    expect(queue.busy).toBe(false);
    expect(events).toEqual(['busy', 'drain']);
  });

  it('drops everything on close, emits drain when busy, and refuses later frames', () => {
    const { queue, pid, local } = setup({ highWaterMark: FRAGMENT });
    const events: string[] = [];
    queue.on('drain', () => events.push('drain'));
    queue.push({ t: 'send', from: local(1), to: pid(9), message: Buffer.alloc(2 * FRAGMENT) }, 'p1', false);
    queue.close();
    expect(events).toEqual(['drain']);
    expect(queue.queuedBytes).toBe(0);
    expect(queue.push({ t: 'tick' }, undefined, true)).toBe(0);
  });

  it('throws for what cannot travel, before queueing anything', () => {
    const { queue, pid } = setup();
    expect(() => queue.push({ t: 'send', to: pid(9), message: () => 1 }, '', false)).toThrow(expect.objectContaining({ code: 'unencodable' }));
    expect(() => queue.push({ t: 'send', to: pid(9), message: Buffer.alloc(2 * 1024 * 1024) }, '', false)).toThrow(
      expect.objectContaining({ code: 'frame_too_large' }),
    );
    expect(queue.queuedBytes).toBe(0);
  });
});

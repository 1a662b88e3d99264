// Test helpers for the handshake: a hand-driven clock, a scripted peer that speaks raw
// frames, and a tap that records every byte written on a stream.
import type { Duplex } from 'node:stream';
import { NO_NODE, NodeTable } from '@troupe/runtime';
import type { HandshakeClock } from '../../src/handshake/channel.js';
import { Codec } from '../../src/wire/codec.js';
import type { Frame } from '../../src/wire/frame.js';
import { FrameDecoder, encodeFramed } from '../../src/wire/framing.js';

/** A clock whose timers fire only when the test says so. */
export class ManualClock implements HandshakeClock {
  readonly #timers = new Map<number, { delayMs: number; fire: () => void }>();
  #next = 0;

  setTimer(delayMs: number, fire: () => void): unknown {
    const id = ++this.#next;
    this.#timers.set(id, { delayMs, fire });
    return id;
  }

  cancelTimer(timer: unknown): void {
    this.#timers.delete(timer as number);
  }

  /** Delays of the armed timers. */
  get armed(): number[] {
    return [...this.#timers.values()].map((t) => t.delayMs);
  }

  fireAll(): void {
    const timers = [...this.#timers.values()];
    this.#timers.clear();
    for (const timer of timers) timer.fire();
  }
}

/** The other end of a handshake, driven frame by frame by the test. */
export class ScriptedPeer {
  readonly codec = new Codec(new NodeTable(NO_NODE, 0));
  readonly #decoder = new FrameDecoder();
  readonly #frames: Frame[] = [];
  readonly #waiters: Array<(frame: Frame | 'closed') => void> = [];
  #closed = false;
  readonly closed: Promise<void>;

  constructor(readonly socket: Duplex) {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.#decoder.push(chunk);
      for (let payload = this.#decoder.next(); payload !== undefined; payload = this.#decoder.next()) {
        const frame = this.codec.decodeFrame(payload);
        const waiter = this.#waiters.shift();
        if (waiter) waiter(frame);
        else this.#frames.push(frame);
      }
    });
    this.closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        this.#closed = true;
        for (const waiter of this.#waiters.splice(0)) waiter('closed');
        resolve();
      }),
    );
  }

  send(...frames: Frame[]): void {
    this.socket.write(Buffer.concat(frames.map((frame) => encodeFramed(this.codec, frame))));
  }

  /** The next frame the other side sent, or 'closed' once it has closed. */
  receive(): Promise<Frame | 'closed'> {
    const frame = this.#frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    if (this.#closed) return Promise.resolve('closed');
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** Records every byte written to `stream` (everything it sends on the wire). */
export function tapWrites(stream: Duplex): Buffer[] {
  const written: Buffer[] = [];
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  (stream as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    if (chunk !== undefined && chunk !== null) written.push(Buffer.from(chunk as Buffer));
    return write(chunk, ...rest);
  };
  const end = stream.end.bind(stream) as (...args: unknown[]) => Duplex;
  (stream as { end: unknown }).end = (chunk: unknown, ...rest: unknown[]) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') written.push(Buffer.from(chunk as Buffer));
    return end(chunk, ...rest);
  };
  return written;
}

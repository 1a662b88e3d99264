// Test helpers for the connection layer: a socket stand-in that records (and can stall) writes.
import { Writable } from 'node:stream';
import type { Duplex } from 'node:stream';
import { NodeTable, Pid } from '@troupe/runtime';
import { Codec } from '../../src/wire/codec.js';
import type { Frame } from '../../src/wire/frame.js';
import { FrameDecoder } from '../../src/wire/framing.js';

/** A table for `a@127.0.0.1`, a codec over it, and a few pids of `b@127.0.0.1`. */
export function terms() {
  const table = new NodeTable('a@127.0.0.1', 1);
  const b = table.intern('b@127.0.0.1', 2);
  const codec = new Codec(table);
  const pid = (id: number) => new Pid(b, id, 0);
  const local = (id: number) => new Pid(table.local, id, 0);
  return { table, codec, pid, local };
}

/**
 * A writable socket stand-in. Everything written is kept; with `stalled`, write callbacks
 * are held (the peer is not reading) until `release()`.
 */
export class RecordingSocket extends Writable {
  readonly chunks: Buffer[] = [];
  stalled = false;
  readonly #held: (() => void)[] = [];

  constructor() {
    super({ highWaterMark: 16 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.stalled) this.#held.push(callback);
    else callback();
  }

  release(): void {
    this.stalled = false;
    for (const callback of this.#held.splice(0)) callback();
  }

  /** Every complete frame written so far, decoded. */
  frames(codec: Codec): Frame[] {
    const decoder = new FrameDecoder();
    decoder.push(Buffer.concat(this.chunks));
    const frames: Frame[] = [];
    for (let payload = decoder.next(); payload !== undefined; payload = decoder.next()) frames.push(codec.decodeFrame(payload));
    return frames;
  }

  asDuplex(): Duplex {
    return this as unknown as Duplex;
  }
}

/** Resolves after the event loop has turned `turns` times (the queue flushes once per turn). */
export async function turns(count = 3): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

// Length-prefixed msgpackr frames over a byte stream: the wire shape of Troupe's dist, without Troupe.
import { Packr, RESERVE_START_SPACE } from 'msgpackr';

const HEADER_BYTES = 4;
const packr = new Packr();

/** One frame: a 4-byte big-endian body length, then the msgpack body (packed in place, no copy). */
export function encodeFrame(value: unknown): Buffer {
  const frame = packr.pack(value, RESERVE_START_SPACE | HEADER_BYTES);
  frame.writeUInt32BE(frame.length - HEADER_BYTES, 0);
  return frame;
}

/** Collects stream chunks and hands every complete frame's decoded value to `onFrame`. */
export class FrameReader {
  readonly #onFrame: (value: unknown) => void;
  #chunks: Buffer[] = [];
  #buffered = 0;
  // Body length of the frame being collected, or -1 while its header is incomplete.
  #needed = -1;

  constructor(onFrame: (value: unknown) => void) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#needed < 0) {
        if (this.#buffered < HEADER_BYTES) return;
        this.#needed = this.#take(HEADER_BYTES).readUInt32BE(0);
      }
      if (this.#buffered < this.#needed) return;
      const body = this.#take(this.#needed);
      this.#needed = -1;
      this.#onFrame(packr.unpack(body));
    }
  }

  // Removes `length` bytes from the front; copies only when they span chunks.
  #take(length: number): Buffer {
    const first = this.#chunks[0]!;
    let taken: Buffer;
    if (first.length >= length) {
      taken = first.subarray(0, length);
      if (first.length === length) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(length);
    } else {
      const all = Buffer.concat(this.#chunks);
      taken = all.subarray(0, length);
      this.#chunks = all.length > length ? [all.subarray(length)] : [];
    }
    this.#buffered -= length;
    return taken;
  }
}

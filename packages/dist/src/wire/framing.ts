// Length-prefixed framing: a 4-byte big-endian payload length, then the payload.
// FrameDecoder cuts a byte stream with arbitrary chunk boundaries back into payloads.
import { FrameTooLargeError } from '../errors.js';
import type { Codec } from './codec.js';
import type { Frame } from './frame.js';

/** Bytes of the length prefix in front of every frame. */
export const LENGTH_PREFIX_BYTES = 4;

/** Default largest payload a FrameDecoder accepts (64 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** Largest payload the 4-byte prefix can describe. */
const PREFIX_LIMIT = 0xffff_ffff;

/**
 * Encodes `frame` into one buffer holding the length prefix and the payload, ready for
 * a single `socket.write` (the prefix is written into headroom the codec reserves, so
 * the payload is not copied). `subarray(LENGTH_PREFIX_BYTES)` of the result is the payload.
 * @throws FrameTooLargeError when the payload exceeds `maxFrameBytes`; a caller that
 * wants to send it anyway splits the payload into fragments.
 * @throws EncodeError when the frame holds a value that cannot travel.
 */
export function encodeFramed(codec: Codec, frame: Frame, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const buffer = codec.encodeFrame(frame, LENGTH_PREFIX_BYTES) as Buffer;
  const size = buffer.length - LENGTH_PREFIX_BYTES;
  if (size > maxFrameBytes || size > PREFIX_LIMIT) throw new FrameTooLargeError(size, Math.min(maxFrameBytes, PREFIX_LIMIT));
  buffer.writeUInt32BE(size, 0);
  return buffer;
}

/**
 * As {@link encodeFramed}, but big Buffers in the frame are not copied (Codec.encodeParts):
 * one buffer, or the parts of the framed bytes in order (the length prefix in the first).
 * @throws FrameTooLargeError / EncodeError as encodeFramed.
 */
export function encodeFramedParts(codec: Codec, frame: Frame, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Buffer | Buffer[] {
  const encoded = codec.encodeFrame(frame, LENGTH_PREFIX_BYTES, true);
  if (!Array.isArray(encoded)) {
    const size = encoded.length - LENGTH_PREFIX_BYTES;
    if (size > maxFrameBytes || size > PREFIX_LIMIT) throw new FrameTooLargeError(size, Math.min(maxFrameBytes, PREFIX_LIMIT));
    encoded.writeUInt32BE(size, 0);
    return encoded;
  }
  let size = -LENGTH_PREFIX_BYTES;
  for (const part of encoded) size += part.length;
  if (size > maxFrameBytes || size > PREFIX_LIMIT) throw new FrameTooLargeError(size, Math.min(maxFrameBytes, PREFIX_LIMIT));
  encoded[0]!.writeUInt32BE(size, 0);
  return encoded;
}

/** Options of a {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest payload accepted; a larger length prefix throws FrameTooLargeError. */
  readonly maxFrameBytes?: number;
}

/**
 * Reassembles length-prefixed payloads from a byte stream. Feed it chunks as they
 * arrive with {@link push}, then drain complete payloads with {@link next}.
 *
 * Only the frame at the front is ever inspected: its length is checked against
 * `maxFrameBytes` as soon as its 4-byte prefix is buffered, so an oversized frame is
 * rejected before its body accumulates. A payload that lies inside one chunk is
 * returned as a view of that chunk (no copy); a payload that spans chunks is copied
 * once into its own buffer, so total work stays linear in the bytes received.
 *
 * {@link nextPayload} is the allocation-free form of {@link next}; {@link skipHeader} and
 * {@link readBody} let a caller copy a big frame's body straight to where it belongs.
 *
 * After a FrameTooLargeError the decoder is failed and rethrows it on every call.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  // Unread bytes are chunks[head..] starting at `offset` within chunks[head].
  #chunks: Buffer[] = [];
  #head = 0;
  #offset = 0;
  #buffered = 0;
  // Payload length of the front frame once its prefix has been read and checked, else -1.
  #frontLength = -1;
  #failure: FrameTooLargeError | undefined;
  // Bytes of the current frame's body still to be read with readBody (after skipHeader).
  #bodyLeft = 0;
  /** Where the payload found by {@link nextPayload} is: `source[start, end)`. */
  source: Buffer = EMPTY;
  start = 0;
  end = 0;
  /** True when that payload was copied out of several chunks (nothing else refers to `source`). */
  owned = false;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new TypeError(`FrameDecoder: maxFrameBytes must be a non-negative integer, got ${max}`);
    }
    this.maxFrameBytes = max;
  }

  /** Bytes received and not yet returned by {@link next} (prefixes included). */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * Appends bytes read from the stream.
   * @throws FrameTooLargeError when the front frame's prefix announces too many bytes.
   */
  push(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('FrameDecoder.push: chunk must be a Buffer or Uint8Array');
    this.#throwIfFailed();
    if (chunk.length === 0) return;
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.#buffered += chunk.length;
    this.#readFrontLength();
  }

  /**
   * The next complete payload, or undefined until more bytes arrive.
   * @throws FrameTooLargeError when the next frame's prefix announces too many bytes.
   */
  next(): Buffer | undefined {
    if (!this.nextPayload()) return undefined;
    return this.start === 0 && this.end === this.source.length ? this.source : this.source.subarray(this.start, this.end);
  }

  /**
   * Finds the next complete payload: true and {@link source}/{@link start}/{@link end}
   * (and {@link owned}) describe it, or false until more bytes arrive.
   * @throws FrameTooLargeError when the next frame's prefix announces too many bytes.
   */
  nextPayload(): boolean {
    this.#throwIfFailed();
    if (this.#bodyLeft > 0) return false;
    this.#readFrontLength();
    const length = this.#frontLength;
    if (length < 0 || this.#buffered < LENGTH_PREFIX_BYTES + length) return false;
    const first = this.#chunks[this.#head]!;
    const offset = this.#offset;
    if (first.length - offset >= LENGTH_PREFIX_BYTES + length) {
      // The common case: prefix and payload inside the front chunk, no copy, no view.
      this.source = first;
      this.start = offset + LENGTH_PREFIX_BYTES;
      this.end = this.start + length;
      this.owned = false;
      this.#offset = this.end;
      this.#buffered -= LENGTH_PREFIX_BYTES + length;
      if (this.#offset === first.length) this.#dropHead();
    } else {
      this.#take(LENGTH_PREFIX_BYTES);
      const copied = this.#chunks[this.#head] === undefined || this.#chunks[this.#head]!.length - this.#offset < length;
      const payload = this.#take(length);
      this.source = payload;
      this.start = 0;
      this.end = length;
      this.owned = copied && length > 0;
    }
    this.#frontLength = -1;
    return true;
  }

  /**
   * The payload length of the front frame once its prefix is buffered, else -1.
   * @throws FrameTooLargeError when the prefix announces too many bytes.
   */
  frontLength(): number {
    this.#throwIfFailed();
    if (this.#bodyLeft > 0) return -1;
    this.#readFrontLength();
    return this.#frontLength;
  }

  /**
   * The first `bytes` bytes of the front frame's payload (a view, or a copy when they span
   * chunks), without consuming them; undefined until they are buffered.
   */
  peekPayload(bytes: number): Buffer | undefined {
    if (this.frontLength() < bytes || this.#buffered < LENGTH_PREFIX_BYTES + bytes) return undefined;
    const first = this.#chunks[this.#head]!;
    const start = this.#offset + LENGTH_PREFIX_BYTES;
    if (first.length >= start + bytes) return first.subarray(start, start + bytes);
    const copy = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + bytes);
    let filled = 0;
    for (let i = this.#head; filled < copy.length; i++) {
      const chunk = this.#chunks[i]!;
      const from = i === this.#head ? this.#offset : 0;
      filled += chunk.copy(copy, filled, from, Math.min(chunk.length, from + copy.length - filled));
    }
    return copy.subarray(LENGTH_PREFIX_BYTES);
  }

  /**
   * Consumes the front frame's prefix and the first `bytes` bytes of its payload (which
   * must be buffered: see {@link peekPayload}); the rest of the payload, its body, is then
   * read with {@link readBody} before any further frame.
   */
  skipHeader(bytes: number): void {
    const length = this.frontLength();
    if (length < bytes || this.#buffered < LENGTH_PREFIX_BYTES + bytes) throw new RangeError('FrameDecoder.skipHeader: header not buffered');
    this.#take(LENGTH_PREFIX_BYTES + bytes);
    this.#frontLength = -1;
    this.#bodyLeft = length - bytes;
  }

  /** Bytes of the current body still to be read with {@link readBody}. */
  get bodyLeft(): number {
    return this.#bodyLeft;
  }

  /** Appends views of as much of the current body as is buffered to `out`; returns their bytes. */
  readBodyViews(out: Buffer[]): number {
    let taken = 0;
    while (this.#bodyLeft > 0 && this.#buffered > 0) {
      const chunk = this.#chunks[this.#head]!;
      const n = Math.min(chunk.length - this.#offset, this.#bodyLeft);
      out.push(this.#offset === 0 && n === chunk.length ? chunk : chunk.subarray(this.#offset, this.#offset + n));
      taken += n;
      this.#bodyLeft -= n;
      this.#buffered -= n;
      this.#offset += n;
      if (this.#offset === chunk.length) this.#dropHead();
    }
    return taken;
  }

  /** Copies as much of the current body as is buffered into `target` at `offset`; returns the bytes copied. */
  readBody(target: Uint8Array, offset: number): number {
    let copied = 0;
    while (this.#bodyLeft > 0 && this.#buffered > 0) {
      const chunk = this.#chunks[this.#head]!;
      const n = Math.min(chunk.length - this.#offset, this.#bodyLeft);
      target.set(chunk.subarray(this.#offset, this.#offset + n), offset + copied);
      copied += n;
      this.#bodyLeft -= n;
      this.#buffered -= n;
      this.#offset += n;
      if (this.#offset === chunk.length) this.#dropHead();
    }
    return copied;
  }

  /**
   * Removes and returns every buffered byte, as received (complete frames and a partial
   * one included), leaving the decoder empty. Used to hand a stream over to another
   * decoder, e.g. from the handshake to the connection.
   */
  takeBuffered(): Buffer {
    const rest = this.#take(this.#buffered);
    this.#frontLength = -1;
    this.#bodyLeft = 0;
    return rest;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #readFrontLength(): void {
    if (this.#frontLength >= 0 || this.#bodyLeft > 0 || this.#buffered < LENGTH_PREFIX_BYTES) return;
    const length = this.#peekUInt32();
    if (length > this.maxFrameBytes) {
      this.#failure = new FrameTooLargeError(length, this.maxFrameBytes);
      throw this.#failure;
    }
    this.#frontLength = length;
  }

  #peekUInt32(): number {
    const first = this.#chunks[this.#head]!;
    if (first.length - this.#offset >= LENGTH_PREFIX_BYTES) return first.readUInt32BE(this.#offset);
    const prefix = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES);
    let filled = 0;
    for (let i = this.#head; filled < LENGTH_PREFIX_BYTES; i++) {
      const chunk = this.#chunks[i]!;
      const start = i === this.#head ? this.#offset : 0;
      filled += chunk.copy(prefix, filled, start, Math.min(chunk.length, start + LENGTH_PREFIX_BYTES - filled));
    }
    return prefix.readUInt32BE(0);
  }

  // Removes `bytes` from the front and returns them: a view when they lie in one chunk,
  // else a copy (each byte is copied at most once).
  #take(bytes: number): Buffer {
    if (bytes === 0) return EMPTY;
    const first = this.#chunks[this.#head]!;
    let result: Buffer;
    if (first.length - this.#offset >= bytes) {
      result = first.subarray(this.#offset, this.#offset + bytes);
      this.#offset += bytes;
      if (this.#offset === first.length) this.#dropHead();
    } else {
      result = Buffer.allocUnsafe(bytes);
      let copied = 0;
      while (copied < bytes) {
        const chunk = this.#chunks[this.#head]!;
        const n = Math.min(chunk.length - this.#offset, bytes - copied);
        chunk.copy(result, copied, this.#offset, this.#offset + n);
        copied += n;
        this.#offset += n;
        if (this.#offset === chunk.length) this.#dropHead();
      }
    }
    this.#buffered -= bytes;
    return result;
  }

  #dropHead(): void {
    this.#chunks[this.#head] = EMPTY; // release the chunk now; the slot is compacted away below
    this.#head++;
    this.#offset = 0;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);

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
  const buffer = codec.encode(frame, LENGTH_PREFIX_BYTES);
  const size = buffer.length - LENGTH_PREFIX_BYTES;
  if (size > maxFrameBytes || size > PREFIX_LIMIT) throw new FrameTooLargeError(size, Math.min(maxFrameBytes, PREFIX_LIMIT));
  buffer.writeUInt32BE(size, 0);
  return buffer;
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
    this.#throwIfFailed();
    this.#readFrontLength();
    if (this.#frontLength < 0 || this.#buffered < LENGTH_PREFIX_BYTES + this.#frontLength) return undefined;
    this.#take(LENGTH_PREFIX_BYTES);
    const payload = this.#take(this.#frontLength);
    this.#frontLength = -1;
    return payload;
  }

  /**
   * Removes and returns every buffered byte, as received (complete frames and a partial
   * one included), leaving the decoder empty. Used to hand a stream over to another
   * decoder, e.g. from the handshake to the connection.
   */
  takeBuffered(): Buffer {
    const rest = this.#take(this.#buffered);
    this.#frontLength = -1;
    return rest;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #readFrontLength(): void {
    if (this.#frontLength >= 0 || this.#buffered < LENGTH_PREFIX_BYTES) return;
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

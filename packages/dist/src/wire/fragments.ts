// Fragmentation: split a large encoded frame into `fragment` frames and put it back
// together, so a big message never holds a tick (or any small frame) behind it.
import { FrameTooLargeError, ProtocolError } from '../errors.js';
import type { FragmentFrame } from './frame.js';

/** Default bytes of payload per fragment (64 KiB). */
export const DEFAULT_FRAGMENT_BYTES = 64 * 1024;

/** Default bound on bytes held by unfinished fragmented messages of one connection (64 MiB). */
export const DEFAULT_MAX_REASSEMBLY_BYTES = 64 * 1024 * 1024;

/** Default bound on fragmented messages in progress at once on one connection. */
export const DEFAULT_MAX_REASSEMBLIES = 256;

/**
 * Splits the encoded payload of one frame into fragment frames of at most `chunkBytes`
 * each, numbered from 0, the final one marked `last`. Chunks are views of `payload`
 * (no copy), so `payload` must not be modified until they are encoded.
 * The sender must keep fragments of one id in order; other frames may go in between.
 */
export function fragmentPayload(payload: Buffer, id: number, chunkBytes = DEFAULT_FRAGMENT_BYTES): FragmentFrame[] {
  if (!Buffer.isBuffer(payload) || payload.length === 0) {
    throw new TypeError('fragmentPayload: payload must be a non-empty Buffer');
  }
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`fragmentPayload: id must be a non-negative integer, got ${id}`);
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw new TypeError(`fragmentPayload: chunkBytes must be a positive integer, got ${chunkBytes}`);
  }
  const fragments: FragmentFrame[] = [];
  for (let start = 0, seq = 0; start < payload.length; start += chunkBytes, seq++) {
    const end = Math.min(start + chunkBytes, payload.length);
    fragments.push({ t: 'fragment', id, seq, last: end === payload.length, chunk: payload.subarray(start, end) });
  }
  return fragments;
}

/** Bounds of a {@link Reassembler}. */
export interface ReassemblerOptions {
  /** Bytes all unfinished messages may hold together. */
  readonly maxBytes?: number;
  /** Unfinished messages at once. */
  readonly maxMessages?: number;
}

interface Unfinished {
  // Collected chunks (views of what they arrived in, or copies), joined at the end.
  readonly chunks: Buffer[];
  // Or the whole message, allocated at the first fragment and filled as it comes.
  readonly buffer: Buffer | undefined;
  // Bytes announced by the first fragment, if it did.
  readonly total: number | undefined;
  bytes: number;
  nextSeq: number;
}

/**
 * Where a streamed fragment's bytes go (see {@link Reassembler.slot}): into `buffer` at
 * `offset`, or appended to `chunks` as they are (views).
 */
export type FragmentSlot =
  | { readonly buffer: Buffer; readonly offset: number; readonly chunks?: undefined }
  | { readonly chunks: Buffer[]; readonly buffer?: undefined };

/** Messages up to this size are collected as chunks and joined once, at the end (see Reassembler). */
export const JOIN_MAX_BYTES = 8 * 1024 * 1024;
/** Chunks smaller than this are copied rather than kept as views of what they arrived in. */
const VIEW_MIN_BYTES = 4096;

/**
 * Collects the fragments of each message id and returns the whole payload when the
 * last one arrives. One per connection; memory is bounded by `maxBytes` in total.
 *
 * When a message's first fragment says how big it is (`total`), its bytes are copied
 * once on the receiving side: a message up to {@link JOIN_MAX_BYTES} keeps its chunks as
 * views of what they arrived in and joins them at the end (its buffer is then short-lived,
 * which the garbage collector handles best); a bigger one is allocated at once (counted
 * against `maxBytes` from then on) and filled as it comes, so no single copy stalls the
 * connection. A connection can have the chunk bytes taken straight from the socket's
 * chunks, without a frame buffer in between ({@link slot}).
 */
export class Reassembler {
  readonly maxBytes: number;
  readonly maxMessages: number;
  readonly #partials = new Map<number, Unfinished>();
  #bytes = 0;

  constructor(options: ReassemblerOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_REASSEMBLY_BYTES;
    const maxMessages = options.maxMessages ?? DEFAULT_MAX_REASSEMBLIES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
      throw new TypeError(`Reassembler: maxBytes must be a positive integer, got ${maxBytes}`);
    }
    if (!Number.isSafeInteger(maxMessages) || maxMessages < 1) {
      throw new TypeError(`Reassembler: maxMessages must be a positive integer, got ${maxMessages}`);
    }
    this.maxBytes = maxBytes;
    this.maxMessages = maxMessages;
  }

  /** Bytes held by unfinished messages. */
  get bufferedBytes(): number {
    return this.#bytes;
  }

  /** Unfinished messages. */
  get pendingMessages(): number {
    return this.#partials.size;
  }

  /**
   * Adds one fragment; returns the complete payload when it was the last one.
   * @throws ProtocolError `bad_fragment` for an empty chunk, a sequence gap, a fragment
   * of an unknown id, a second start of an unfinished id, too many messages at once, or
   * chunks that do not add up to the announced total.
   * @throws FrameTooLargeError when the unfinished messages would exceed `maxBytes`.
   */
  accept(fragment: FragmentFrame): Buffer | undefined {
    const { id, seq, last, chunk } = fragment;
    const partial = this.#record(id, seq, last, chunk.length, fragment.total);
    if (partial === undefined) return chunk; // a message in one fragment
    if (partial.buffer !== undefined) partial.buffer.set(chunk, partial.bytes - chunk.length);
    else {
      // A chunk that came with a total is a view of the frame it arrived in: keep a small
      // one as a copy, so it does not hold on to a much bigger socket chunk.
      partial.chunks.push(fragment.total === undefined || chunk.length >= VIEW_MIN_BYTES ? chunk : Buffer.from(chunk));
    }
    return last ? this.#finish(id, partial) : undefined;
  }

  /**
   * Checks and records a fragment of `length` bytes whose bytes the caller puts into the
   * returned slot itself, then calls {@link finish}. Undefined when its message has no
   * total (or is a single fragment) and nothing was recorded: pass the whole fragment to
   * {@link accept} instead.
   * @throws as {@link accept}.
   */
  slot(id: number, seq: number, last: boolean, length: number, total: number | undefined): FragmentSlot | undefined {
    if (seq === 0 ? total === undefined || (last && total === length) : this.#partials.get(id)?.total === undefined) return undefined;
    const partial = this.#record(id, seq, last, length, total)!;
    if (partial.buffer !== undefined) return { buffer: partial.buffer, offset: partial.bytes - length };
    return { chunks: partial.chunks };
  }

  /** After the bytes of a {@link slot} are in place: the whole payload if that fragment was the last. */
  finish(id: number, last: boolean): Buffer | undefined {
    const partial = this.#partials.get(id);
    if (!last || partial === undefined) return undefined;
    return this.#finish(id, partial);
  }

  /** Drops every unfinished message (the connection is going away). */
  clear(): void {
    this.#partials.clear();
    this.#bytes = 0;
  }

  // Validates one fragment and counts its bytes; undefined for a message in one fragment.
  #record(id: number, seq: number, last: boolean, length: number, total: number | undefined): Unfinished | undefined {
    if (length === 0) throw new ProtocolError('bad_fragment', `fragment ${id}/${seq} is empty`);
    let partial = this.#partials.get(id);
    if (seq === 0) {
      if (partial !== undefined) throw new ProtocolError('bad_fragment', `fragment ${id} started again before it ended`);
      if (last) {
        if (total !== undefined && total !== length) {
          throw new ProtocolError('bad_fragment', `fragment ${id}/0 has ${length} bytes of a ${total}-byte message`);
        }
        return undefined;
      }
      if (this.#partials.size >= this.maxMessages) {
        throw new ProtocolError('bad_fragment', `more than ${this.maxMessages} fragmented messages in progress`);
      }
      if (total !== undefined) {
        if (total <= length) throw new ProtocolError('bad_fragment', `fragment ${id}/0 is not the last, yet has all ${total} bytes`);
        if (this.#bytes + total > this.maxBytes) throw new FrameTooLargeError(this.#bytes + total, this.maxBytes);
        const buffer = total > JOIN_MAX_BYTES ? Buffer.allocUnsafe(total) : undefined;
        partial = { chunks: [], buffer, total, bytes: length, nextSeq: 1 };
        this.#partials.set(id, partial);
        this.#bytes += total;
        return partial;
      }
    } else if (partial === undefined) {
      throw new ProtocolError('bad_fragment', `fragment ${id}/${seq} of a message that was never started`);
    } else if (seq !== partial.nextSeq) {
      throw new ProtocolError('bad_fragment', `fragment ${id}/${seq} arrived, expected ${id}/${partial.nextSeq}`);
    }
    if (partial?.total !== undefined) {
      const size = partial.total;
      const filled = partial.bytes + length;
      if (filled > size || (last ? filled < size : filled === size)) {
        throw new ProtocolError('bad_fragment', `fragments of ${id} do not add up to its ${size} bytes`);
      }
      partial.bytes = filled;
      partial.nextSeq++;
      return partial;
    }
    if (this.#bytes + length > this.maxBytes) throw new FrameTooLargeError(this.#bytes + length, this.maxBytes);
    if (partial === undefined) {
      partial = { chunks: [], buffer: undefined, total: undefined, bytes: 0, nextSeq: 0 };
      this.#partials.set(id, partial);
    }
    partial.bytes += length;
    partial.nextSeq++;
    this.#bytes += length;
    return partial;
  }

  #finish(id: number, partial: Unfinished): Buffer {
    this.#partials.delete(id);
    // A message with a total had all of it counted from its first fragment.
    this.#bytes -= partial.total ?? partial.bytes;
    return partial.buffer ?? Buffer.concat(partial.chunks, partial.bytes);
  }
}

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
  readonly chunks: Buffer[];
  bytes: number;
  nextSeq: number;
}

/**
 * Collects the fragments of each message id and returns the whole payload when the
 * last one arrives. One per connection; memory is bounded by `maxBytes` in total.
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
   * of an unknown id, a second start of an unfinished id, or too many messages at once.
   * @throws FrameTooLargeError when the unfinished messages would exceed `maxBytes`.
   */
  accept(fragment: FragmentFrame): Buffer | undefined {
    const { id, seq, last, chunk } = fragment;
    if (chunk.length === 0) throw new ProtocolError('bad_fragment', `fragment ${id}/${seq} is empty`);
    let partial = this.#partials.get(id);
    if (seq === 0) {
      if (partial !== undefined) throw new ProtocolError('bad_fragment', `fragment ${id} started again before it ended`);
      if (last) return chunk;
      if (this.#partials.size >= this.maxMessages) {
        throw new ProtocolError('bad_fragment', `more than ${this.maxMessages} fragmented messages in progress`);
      }
    } else if (partial === undefined) {
      throw new ProtocolError('bad_fragment', `fragment ${id}/${seq} of a message that was never started`);
    } else if (seq !== partial.nextSeq) {
      throw new ProtocolError('bad_fragment', `fragment ${id}/${seq} arrived, expected ${id}/${partial.nextSeq}`);
    }
    if (this.#bytes + chunk.length > this.maxBytes) throw new FrameTooLargeError(this.#bytes + chunk.length, this.maxBytes);
    if (partial === undefined) {
      partial = { chunks: [], bytes: 0, nextSeq: 0 };
      this.#partials.set(id, partial);
    }
    partial.chunks.push(chunk);
    partial.bytes += chunk.length;
    partial.nextSeq++;
    this.#bytes += chunk.length;
    if (!last) return undefined;
    this.#partials.delete(id);
    this.#bytes -= partial.bytes;
    return Buffer.concat(partial.chunks, partial.bytes);
  }

  /** Drops every unfinished message (the connection is going away). */
  clear(): void {
    this.#partials.clear();
    this.#bytes = 0;
  }
}

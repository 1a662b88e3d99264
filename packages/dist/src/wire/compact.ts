// Compact frames: the hot frames (send, send_named, fragment) in a fixed binary layout
// instead of a msgpack record, so the per-message cost is a few byte writes and reads.
//
// A compact payload starts with 0xc1, the one byte msgpack never uses, so a decoder tells
// it from a msgpack payload by its first byte. Layout (integers big-endian):
//
//   0xc1 kind flags …
//   send (1):       [from pid if flags&1] [to pid]                  message (msgpack) to the end
//   send_named (2): [from pid if flags&1] [u8 length] [name, utf-8] message (msgpack) to the end
//   fragment (3):   [f64 id] [u32 seq] [f64 total]                  chunk bytes to the end
//                   flags: 1 = last, 2 = total is set (the first fragment of a message says
//                   how big the whole is, so the receiver can collect it in one buffer)
//   pid:            [u8 length] [node name, utf-8] [u32 creation] [u32 id] [u32 serial]
//
// Every payload still decodes on its own (no state shared between payloads).

/** First byte of a compact payload (msgpack's "never used" byte). */
export const COMPACT_MARK = 0xc1;
export const COMPACT_SEND = 1;
export const COMPACT_SEND_NAMED = 2;
export const COMPACT_FRAGMENT = 3;
/** send / send_named: a `from` pid follows the flags. */
export const FLAG_FROM = 1;
/** fragment: the last piece of its message. */
export const FLAG_LAST = 1;
/** fragment: the `total` field holds the size of the whole message. */
export const FLAG_TOTAL = 2;

/** Bytes of a compact fragment header (mark, kind, flags, id, seq, total). */
export const FRAGMENT_HEADER_BYTES = 3 + 8 + 4 + 8;

/** Largest u32. */
export const U32_MAX = 0xffff_ffff;

export function isU32(value: unknown): value is number {
  return typeof value === 'number' && (value >>> 0) === value;
}

export function putU32(target: Uint8Array, at: number, value: number): number {
  target[at] = value >>> 24;
  target[at + 1] = value >>> 16;
  target[at + 2] = value >>> 8;
  target[at + 3] = value;
  return at + 4;
}

export function getU32(source: Uint8Array, at: number): number {
  return ((source[at]! << 24) | (source[at + 1]! << 16) | (source[at + 2]! << 8) | source[at + 3]!) >>> 0;
}

/** Writes a fragment header at `at` (FRAGMENT_HEADER_BYTES bytes); `total` only on a message's first fragment. */
export function putFragmentHeader(
  target: Buffer,
  at: number,
  id: number,
  seq: number,
  last: boolean,
  total: number | undefined,
): void {
  target[at] = COMPACT_MARK;
  target[at + 1] = COMPACT_FRAGMENT;
  target[at + 2] = (last ? FLAG_LAST : 0) | (total === undefined ? 0 : FLAG_TOTAL);
  target.writeDoubleBE(id, at + 3);
  putU32(target, at + 11, seq);
  target.writeDoubleBE(total ?? 0, at + 15);
}

/** A decoded fragment header. */
export interface FragmentHeader {
  readonly id: number;
  readonly seq: number;
  readonly last: boolean;
  readonly total: number | undefined;
}

/**
 * Reads a fragment header at `at`, or returns undefined when the bytes there are not one
 * (not compact, another kind, or fields out of range: the caller then decodes the frame
 * the ordinary way, which reports what is wrong).
 */
export function readFragmentHeader(source: Buffer, at: number): FragmentHeader | undefined {
  if (source[at] !== COMPACT_MARK || source[at + 1] !== COMPACT_FRAGMENT) return undefined;
  const flags = source[at + 2]!;
  const id = source.readDoubleBE(at + 3);
  const seq = getU32(source, at + 11);
  const total = source.readDoubleBE(at + 15);
  if (flags > (FLAG_LAST | FLAG_TOTAL) || !Number.isSafeInteger(id) || id < 0) return undefined;
  if ((flags & FLAG_TOTAL) !== 0 && (!Number.isSafeInteger(total) || total < 1)) return undefined;
  return { id, seq, last: (flags & FLAG_LAST) !== 0, total: (flags & FLAG_TOTAL) !== 0 ? total : undefined };
}

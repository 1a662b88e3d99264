// Codec: values ⇄ msgpack bytes, with Pid, Ref and Error as extension types.
// The only module that imports msgpackr: its extension registry is module-global,
// so the extension ids and the decode context below must live in exactly one place.
import { Packr, RESERVE_START_SPACE, Unpackr, addExtension } from 'msgpackr';
import { type NodeHandle, type NodeTable, Pid, Ref } from '@troupe/runtime';
import { EncodeError, ProtocolError } from '../errors.js';
import {
  COMPACT_FRAGMENT,
  COMPACT_MARK,
  COMPACT_SEND,
  COMPACT_SEND_NAMED,
  FLAG_FROM,
  FLAG_LAST,
  FLAG_TOTAL,
  FRAGMENT_HEADER_BYTES,
  getU32,
  isU32,
  putU32,
} from './compact.js';
import type { Frame, FragmentFrame, SendFrame, SendNamedFrame } from './frame.js';
import { parseFrame } from './frame.js';
import { NOT_SIMPLE, NOT_SIMPLE_VALUE, NO_ROOM, type PidBytes, SimpleReader, encodePid, putSimple } from './simple.js';

/** msgpack extension type of a {@link Pid}: `[node, creation, id, serial]`. */
export const PID_EXTENSION = 0x01;
/** msgpack extension type of a {@link Ref}: `[node, creation, id]`. */
export const REF_EXTENSION = 0x02;
/** msgpack extension type of an Error: `[name, message, stack, code, ownProps, cause]`. */
export const ERROR_EXTENSION = 0x03;

/** msgpack extension type reserved for Buffers left in place by {@link Codec.encodeParts} (never written). */
export const IN_PLACE_EXTENSION = 0x04;

/** Largest headroom {@link Codec.encode} can reserve (msgpackr keeps it in one byte). */
export const MAX_HEADROOM_BYTES = 0xff;

/** Buffers at least this big are not copied by {@link Codec.encodeParts}: they become parts of their own. */
export const IN_PLACE_MIN_BYTES = 16 * 1024;

// The one piece of decode state: the NodeTable that decoded pids and refs are interned
// into. Invariant: it is set only for the duration of a synchronous `unpack` inside
// Codec.decode (save/restore, so a nested decode restores its caller's table), and is
// undefined at every other moment. msgpackr decodes synchronously and never yields, so
// no other codec can observe another connection's table.
let decodeTable: NodeTable | undefined;

// The last handle interned for a decoded pid or ref: messages name the same few nodes
// over and over, and NodeTable.intern builds a key string each time. A table never
// replaces a handle, so (table, name, creation) → handle stays true; the name is
// compared with the handle's own, which changes only when a local node is renamed.
let lastTable: NodeTable | undefined;
let lastHandle: NodeHandle | undefined;

function internedHandle(nodeName: unknown, creation: unknown) {
  if (decodeTable === undefined) throw new Error('a Pid or Ref was decoded outside Codec.decode');
  if (typeof nodeName !== 'string' || nodeName.length === 0) throw new Error('pid/ref node name must be a non-empty string');
  if (!isUint32(creation)) throw new Error('pid/ref creation must be an unsigned 32-bit integer');
  const last = lastHandle;
  if (lastTable === decodeTable && last !== undefined && last.name === nodeName && last.creation === creation) return last;
  const handle = decodeTable.intern(nodeName, creation);
  lastTable = decodeTable;
  lastHandle = handle;
  return handle;
}

const isUint32 = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff_ffff;
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

// `write` extensions put a 3-byte tag before an ordinary msgpack value, so the
// fields are encoded inline (no nested buffer) and may themselves hold pids or errors.
addExtension({
  Class: Pid,
  type: PID_EXTENSION,
  write: (pid: Pid) => [pid.node, pid.creation, pid.id, pid.serial],
  read: (datum: unknown) => {
    if (!Array.isArray(datum) || datum.length !== 4) throw new Error('a pid must be [node, creation, id, serial]');
    const [node, creation, id, serial] = datum as unknown[];
    if (!isCount(id) || !isCount(serial)) throw new Error('pid id and serial must be non-negative integers');
    return new Pid(internedHandle(node, creation), id, serial);
  },
});

addExtension({
  Class: Ref,
  type: REF_EXTENSION,
  write: (ref: Ref) => [ref.node, ref.nodeHandle.creation, ref.id],
  read: (datum: unknown) => {
    if (!Array.isArray(datum) || datum.length !== 3) throw new Error('a ref must be [node, creation, id]');
    const [node, creation, id] = datum as unknown[];
    if (!isCount(id)) throw new Error('ref id must be a non-negative integer');
    return new Ref(internedHandle(node, creation), id);
  },
});

// Errors arrive as instances of the same built-in class when there is one, otherwise as
// an Error whose `name` is the sender's class name. Own enumerable fields travel too,
// so `{kind: 'error', error}` exit reasons and coded errors keep what callers branch on.
const BUILT_IN_ERRORS: Readonly<Record<string, new (message?: string) => Error>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};
// Written explicitly (or not at all) rather than with the own enumerable fields.
const ERROR_OWN_FIELDS = new Set(['name', 'message', 'stack', 'code', 'cause']);

addExtension({
  Class: Error,
  type: ERROR_EXTENSION,
  write: (error: Error) => {
    const props: Record<string, unknown> = {};
    for (const key of Object.keys(error)) {
      if (!ERROR_OWN_FIELDS.has(key)) props[key] = (error as unknown as Record<string, unknown>)[key];
    }
    const code = (error as { code?: unknown }).code;
    return [
      String(error.name),
      String(error.message),
      typeof error.stack === 'string' ? error.stack : null,
      code === undefined ? null : code,
      props,
      Object.hasOwn(error, 'cause') ? [error.cause] : null,
    ];
  },
  read: (datum: unknown) => {
    if (!Array.isArray(datum) || datum.length !== 6) throw new Error('an error must be [name, message, stack, code, props, cause]');
    const [name, message, stack, code, props, cause] = datum as unknown[];
    if (typeof name !== 'string' || typeof message !== 'string') throw new Error('error name and message must be strings');
    if (stack !== null && typeof stack !== 'string') throw new Error('error stack must be a string or null');
    if (typeof props !== 'object' || props === null || props instanceof Map || Array.isArray(props)) {
      throw new Error('error fields must be an object');
    }
    if (cause !== null && !(Array.isArray(cause) && cause.length === 1)) throw new Error('error cause must be [cause] or null');
    const Class = Object.hasOwn(BUILT_IN_ERRORS, name) ? BUILT_IN_ERRORS[name]! : Error;
    const error = new Class(message);
    const hidden = { writable: true, configurable: true, enumerable: false } as const;
    if (error.name !== name) Object.defineProperty(error, 'name', { ...hidden, value: name });
    if (stack === null) delete (error as { stack?: string }).stack;
    else Object.defineProperty(error, 'stack', { ...hidden, value: stack });
    if (cause !== null) Object.defineProperty(error, 'cause', { ...hidden, value: (cause as unknown[])[0] });
    if (code !== null) Object.defineProperty(error, 'code', { writable: true, configurable: true, enumerable: true, value: code });
    for (const [key, value] of Object.entries(props)) {
      // defineProperty, not assignment: a key such as `__proto__` must stay a plain field.
      Object.defineProperty(error, key, { writable: true, configurable: true, enumerable: true, value });
    }
    return error;
  },
});

// Buffers: written as msgpack bin (what msgpackr does itself), except that while
// Codec.encodeParts collects, a big Buffer gets only its bin header here and is
// recorded to be written from its own memory, after the bytes encoded so far.
interface InPlace {
  readonly buffers: Buffer[];
  // Where each buffer's bytes belong: an offset in `targets[i]` (msgpackr's output buffer).
  readonly offsets: number[];
  readonly targets: Uint8Array[];
}
let inPlace: InPlace | undefined;

interface Allocation {
  target: Uint8Array;
  targetView: DataView;
  position: number;
}

addExtension({
  Class: Buffer,
  type: IN_PLACE_EXTENSION,
  pack(buffer: Buffer, allocateForWrite: (size: number) => Allocation): undefined {
    const length = buffer.length;
    const collecting = inPlace;
    if (collecting !== undefined && length >= IN_PLACE_MIN_BYTES) {
      const { target, targetView, position } = allocateForWrite(5);
      target[position] = 0xc6;
      targetView.setUint32(position + 1, length);
      collecting.buffers.push(buffer);
      collecting.offsets.push(position + 5);
      collecting.targets.push(target);
      return undefined;
    }
    let at: number;
    let target: Uint8Array;
    if (length < 0x100) {
      ({ target, position: at } = allocateForWrite(length + 2));
      target[at++] = 0xc4;
      target[at++] = length;
    } else if (length < 0x10000) {
      ({ target, position: at } = allocateForWrite(length + 3));
      target[at++] = 0xc5;
      target[at++] = length >> 8;
      target[at++] = length & 0xff;
    } else {
      let view: DataView;
      ({ target, targetView: view, position: at } = allocateForWrite(length + 5));
      target[at++] = 0xc6;
      view.setUint32(at, length);
      at += 4;
    }
    target.set(buffer, at);
    return undefined;
  },
  unpack: () => {
    throw new Error(`unknown extension type ${IN_PLACE_EXTENSION}`);
  },
} as unknown as Parameters<typeof addExtension>[0]);

// Records are on, but only per payload: without `structures`/`saveStructures` msgpackr
// writes each record definition inside the payload that uses it, and an untrusted
// Unpackr forgets them when the next unpack starts. So every payload decodes on its
// own — nothing depends on an earlier payload or another connection — and records keep
// the difference between plain objects (records) and Maps (msgpack maps) on the wire.
const OPTIONS = {
  useRecords: true,
  moreTypes: true, // Set, RegExp, typed arrays and bigint keep their type
  structuredClone: false, // no shared-reference extensions: a peer cannot make us build cycles
  copyBuffers: true, // decoded Buffers own their memory instead of pinning a socket chunk
  useBigIntExtension: true,
  int64AsType: 'bigint',
  variableMapSize: true,
  writeFunction: () => {
    throw new EncodeError('a function cannot be sent to another node (closures cannot travel)');
  },
} as const;

/**
 * Encodes values to msgpack and decodes them back, turning pids and refs into the
 * right {@link Pid}/{@link Ref} of this runtime. Create one per runtime (or per
 * connection) with the runtime's {@link NodeTable}; decoded pids of a node are then
 * `===`-comparable by their NodeHandle with pids made locally.
 *
 * What survives a round trip: JSON values, `undefined`, bigint, Buffer/typed arrays,
 * Date, Map, Set, RegExp, Pid, Ref, and Errors (class for built-ins, name, message,
 * stack, code, cause, own enumerable fields). Class instances arrive as plain objects.
 * Functions and symbols cannot be encoded ({@link EncodeError}).
 *
 * Frames: `send` and `send_named` travel in the compact layout of compact.ts (a fixed
 * header instead of a msgpack record; a message of simple values, simple.ts, written
 * without msgpackr), every other frame as a msgpack record. Decoded pids of the nodes
 * and processes seen last are recognised by their bytes, and reused (pids are values).
 *
 * Erlang equivalent: `term_to_binary/1` and `binary_to_term/1` with the distribution's
 * atom cache replaced by per-payload records.
 */
export class Codec {
  readonly #packr = new Packr({ ...OPTIONS });
  readonly #unpackr = new Unpackr({ ...OPTIONS });
  // For payloads this codec's caller owns outright (a reassembled message, a frame copied
  // out of several socket chunks): decoded Buffers may be views of them, nothing is pinned
  // that the message does not hold anyway.
  readonly #viewUnpackr = new Unpackr({ ...OPTIONS, copyBuffers: false });
  readonly #table: NodeTable;
  // Encoding: utf-8 bytes of registered names (bounded).
  readonly #utf8 = new Map<string, Buffer>();
  // Encoding: the compact header bytes and the msgpack bytes of recently sent pids.
  readonly #pidCache: CachedPid[] = [];
  #pidCacheNext = 0;
  // Encoding: where compact frames are written when a caller wants a buffer of their own.
  #slab: Buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
  #slabAt = 0;
  // Decoding: the handles of recently seen node names, by their utf-8 bytes and creation.
  readonly #seen: SeenNode[] = [];
  #seenNext = 0;
  // Decoding: recently decoded pids, by their compact bytes.
  readonly #seenPids: SeenPid[] = [];
  #seenPidNext = 0;
  readonly #recentPids: Pid[] = [];
  #recentNext = 0;
  // Decoding: where the compact reader is.
  #at = 0;
  readonly #pids: PidBytes = {
    encodedPid: (pid) => this.#cachedPid(pid)?.value,
    handleAt: (source, at, length, creation) => this.#handleAt(source as Buffer, at, length, creation),
    pid: (handle, id, serial) => this.#pidOf(handle, id, serial),
  };
  readonly #reader = new SimpleReader(this.#pids);

  constructor(table: NodeTable) {
    if (table === null || typeof table !== 'object' || typeof (table as NodeTable).intern !== 'function') {
      throw new TypeError('Codec: table must be a NodeTable');
    }
    this.#table = table;
  }

  /**
   * Encodes `value`. With `headroom` > 0 the returned buffer starts with that many
   * reserved bytes (unspecified content) before the payload, so a caller can write a
   * length prefix in place instead of copying the payload. The buffer is never reused
   * by later encodes.
   * @throws EncodeError when `value` holds something that cannot travel.
   */
  encode(value: unknown, headroom = 0): Buffer {
    checkHeadroom(headroom);
    return this.#pack(value, headroom);
  }

  /**
   * As {@link encode}, but Buffers of {@link IN_PLACE_MIN_BYTES} or more are not copied:
   * the result is then a list of parts whose concatenation is the encoding (headroom in
   * the first part), those Buffers among them as they are. A single Buffer when there
   * was none. The Buffers are read when the parts are written: they must not change until then.
   * @throws EncodeError when `value` holds something that cannot travel.
   */
  encodeParts(value: unknown, headroom = 0): Buffer | Buffer[] {
    checkHeadroom(headroom);
    return this.#packParts(value, headroom);
  }

  /**
   * Encodes a frame with `headroom` reserved bytes in front, as {@link encode} (one
   * buffer) or, with `parts`, as {@link encodeParts}. `send` and `send_named` frames take
   * the compact layout (see compact.ts), every other frame is a msgpack record.
   * @throws EncodeError when the frame holds something that cannot travel.
   */
  encodeFrame(frame: Frame, headroom = 0, parts = false): Buffer | Buffer[] {
    checkHeadroom(headroom);
    if (frame.t === 'send' || frame.t === 'send_named') {
      let end = this.#putSend(frame, this.#slab, this.#slabAt + headroom, this.#slab.length);
      if (end === NO_ROOM) {
        this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
        this.#slabAt = 0;
        end = this.#putSend(frame, this.#slab, headroom, SLAB_BYTES);
      }
      if (end >= 0) {
        const encoded = this.#slab.subarray(this.#slabAt, end);
        this.#slabAt = (end + 7) & ~7;
        return encoded;
      }
      const compact = this.#encodeSend(frame, headroom, parts);
      if (compact !== undefined) return compact;
    }
    return parts ? this.#packParts(frame, headroom) : this.#pack(frame, headroom);
  }

  /**
   * Writes a send or send_named frame, length prefix first, at `target[at]` when it has a
   * compact form with a simple message (see simple.ts) that fits before `end`. Returns
   * the position after it, {@link NOT_SIMPLE} (nothing written: use {@link encodeFrame}),
   * or {@link NO_ROOM}.
   */
  encodeSendInto(frame: SendFrame | SendNamedFrame, target: Buffer, at: number, end: number): number {
    const after = this.#putSend(frame, target, at + 4, end);
    if (after < 0) return after;
    putU32(target, at, after - at - 4);
    return after;
  }

  /**
   * Decodes exactly one value that fills `payload`.
   * @throws ProtocolError `bad_payload` for anything that is not one well-formed value.
   */
  decode(payload: Uint8Array): unknown {
    if (!(payload instanceof Uint8Array)) throw new TypeError('Codec.decode: payload must be a Buffer or Uint8Array');
    if (payload.length === 0) throw new ProtocolError('bad_payload', 'empty payload');
    return this.#unpack(payload, 0, payload.length, false);
  }

  /**
   * Decodes a payload and checks that it is a {@link Frame}.
   * @throws ProtocolError `bad_payload` or `bad_frame`.
   */
  decodeFrame(payload: Uint8Array): Frame {
    if (!(payload instanceof Uint8Array)) throw new TypeError('Codec.decodeFrame: payload must be a Buffer or Uint8Array');
    return this.decodeFrameAt(payload, 0, payload.length, false);
  }

  /**
   * Decodes the frame in `source[start, end)`. With `owned`, the caller owns `source`
   * outright and decoded Buffers may be views of it instead of copies.
   * @throws ProtocolError `bad_payload` or `bad_frame`.
   */
  decodeFrameAt(source: Uint8Array, start: number, end: number, owned: boolean): Frame {
    if (end <= start) throw new ProtocolError('bad_payload', 'empty payload');
    if (source[start] === COMPACT_MARK) return this.#decodeCompact(source, start, end, owned);
    return parseFrame(this.#unpack(source, start, end, owned));
  }

  // ── msgpack ───────────────────────────────────────────────────────────────

  #pack(value: unknown, headroom: number): Buffer {
    try {
      return headroom === 0 ? this.#packr.pack(value) : this.#packr.pack(value, RESERVE_START_SPACE | headroom);
    } catch (error) {
      throw encodeError(error);
    }
  }

  #packParts(value: unknown, headroom: number): Buffer | Buffer[] {
    const collected: InPlace = { buffers: [], offsets: [], targets: [] };
    const outer = inPlace;
    inPlace = collected;
    let packed: Buffer;
    try {
      packed = headroom === 0 ? this.#packr.pack(value) : this.#packr.pack(value, RESERVE_START_SPACE | headroom);
    } catch (error) {
      throw encodeError(error);
    } finally {
      inPlace = outer;
    }
    const { buffers, offsets, targets } = collected;
    if (buffers.length === 0) return packed;
    const parts: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < buffers.length; i++) {
      const target = targets[i]!;
      // msgpackr moved to a bigger output buffer after this one was recorded: the offsets
      // no longer hold. Rare (the output stays small without the big Buffers): copy instead.
      if (target.buffer !== packed.buffer) return this.#pack(value, headroom);
      const offset = offsets[i]! - (packed.byteOffset - target.byteOffset);
      if (offset > from) parts.push(packed.subarray(from, offset));
      parts.push(buffers[i]!);
      from = offset;
    }
    if (from < packed.length) parts.push(packed.subarray(from));
    return parts;
  }

  #unpack(source: Uint8Array, start: number, end: number, owned: boolean): unknown {
    const previous = decodeTable;
    decodeTable = this.#table;
    try {
      const unpackr = owned ? this.#viewUnpackr : this.#unpackr;
      return start === 0 && end === source.length ? unpackr.unpack(source) : unpackr.unpack(source, { start, end });
    } catch (error) {
      throw new ProtocolError('bad_payload', `undecodable payload: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    } finally {
      decodeTable = previous;
    }
  }

  // ── compact frames (compact.ts) ──────────────────────────────────────────

  #bytesOf(text: string): Buffer {
    let bytes = this.#utf8.get(text);
    if (bytes === undefined) {
      bytes = Buffer.from(text, 'utf8');
      if (this.#utf8.size >= 1024) this.#utf8.clear();
      this.#utf8.set(text, bytes);
    }
    return bytes;
  }

  // A pid's encodings (compact header, msgpack value), from a small cache by identity.
  #cachedPid(pid: Pid): CachedPid | undefined {
    const cache = this.#pidCache;
    for (let i = 0; i < cache.length; i++) {
      const entry = cache[i]!;
      const known = entry.pid;
      if (
        (known === pid || (known.nodeHandle === pid.nodeHandle && known.id === pid.id && known.serial === pid.serial)) &&
        entry.name === pid.nodeHandle.name
      ) {
        return entry.header === undefined ? undefined : entry;
      }
    }
    const entry = this.#encodePid(pid);
    if (cache.length < PID_CACHE) cache.push(entry);
    else {
      cache[this.#pidCacheNext] = entry;
      this.#pidCacheNext = (this.#pidCacheNext + 1) % PID_CACHE;
    }
    return entry.header === undefined ? undefined : entry;
  }

  #encodePid(pid: Pid): CachedPid {
    const name = pid.nodeHandle.name;
    const none: CachedPid = { pid, name, header: undefined, value: undefined };
    if (!(pid instanceof Pid) || !isU32(pid.id) || !isU32(pid.serial) || !isU32(pid.nodeHandle.creation)) return none;
    const bytes = Buffer.from(name, 'utf8');
    if (bytes.length === 0 || bytes.length > 0xff) return none;
    const header = Buffer.allocUnsafe(1 + bytes.length + 12);
    header[0] = bytes.length;
    header.set(bytes, 1);
    let at = putU32(header, 1 + bytes.length, pid.nodeHandle.creation);
    at = putU32(header, at, pid.id);
    putU32(header, at, pid.serial);
    return { pid, name, header, value: encodePid(pid) };
  }

  // The compact header of a send or send_named frame and its simple message at `at`:
  // the position after them, NOT_SIMPLE or NO_ROOM.
  #putSend(frame: SendFrame | SendNamedFrame, target: Buffer, at: number, end: number): number {
    const header = this.#sendHeader(frame, target, at, end);
    if (header < 0) return header;
    return putSimple(frame.message, target, header, end, this.#pids);
  }

  // The compact header of a send or send_named frame at `at`: the position after it, NOT_SIMPLE or NO_ROOM.
  #sendHeader(frame: SendFrame | SendNamedFrame, target: Buffer, at: number, end: number): number {
    const from = frame.from;
    let fromBytes: Buffer | undefined;
    if (from !== undefined) {
      if (!(from instanceof Pid)) return NOT_SIMPLE;
      fromBytes = this.#cachedPid(from)?.header;
      if (fromBytes === undefined) return NOT_SIMPLE;
    }
    let toBytes: Buffer | undefined;
    let nameBytes: Buffer | undefined;
    if (frame.t === 'send') {
      const to = frame.to;
      if (!(to instanceof Pid)) return NOT_SIMPLE;
      toBytes = this.#cachedPid(to)?.header;
      if (toBytes === undefined) return NOT_SIMPLE;
    } else {
      if (typeof frame.name !== 'string' || frame.name.length === 0) return NOT_SIMPLE;
      nameBytes = this.#bytesOf(frame.name);
      if (nameBytes.length > 0xff) return NOT_SIMPLE;
    }
    const size =
      3 + (fromBytes === undefined ? 0 : fromBytes.length) + (toBytes === undefined ? 1 + nameBytes!.length : toBytes.length);
    if (at + size > end) return NO_ROOM;
    target[at++] = COMPACT_MARK;
    target[at++] = toBytes === undefined ? COMPACT_SEND_NAMED : COMPACT_SEND;
    target[at++] = fromBytes === undefined ? 0 : FLAG_FROM;
    if (fromBytes !== undefined) {
      target.set(fromBytes, at);
      at += fromBytes.length;
    }
    if (toBytes !== undefined) {
      target.set(toBytes, at);
      at += toBytes.length;
    } else {
      target[at++] = nameBytes!.length;
      target.set(nameBytes!, at);
      at += nameBytes!.length;
    }
    return at;
  }

  // The compact encoding of a send or send_named frame whose message is not simple
  // (msgpackr writes the message), or undefined when the frame has no compact form.
  #encodeSend(frame: SendFrame | SendNamedFrame, headroom: number, parts: boolean): Buffer | Buffer[] | undefined {
    const scratch = this.#scratch;
    const header = this.#sendHeader(frame, scratch, 0, scratch.length);
    if (header < 0) return undefined;
    const room = headroom + header;
    if (room > MAX_HEADROOM_BYTES) return undefined;
    const encoded = parts ? this.#packParts(frame.message, room) : this.#pack(frame.message, room);
    const first = Array.isArray(encoded) ? encoded[0]! : encoded;
    first.set(scratch.subarray(0, header), headroom);
    return encoded;
  }

  readonly #scratch = Buffer.allocUnsafe(MAX_HEADROOM_BYTES * 2);

  #decodeCompact(bytes: Uint8Array, start: number, end: number, owned: boolean): Frame {
    const source = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (end - start < 3) throw truncated();
    const kind = source[start + 1];
    const flags = source[start + 2]!;
    this.#at = start + 3;
    if (kind === COMPACT_FRAGMENT) return this.#decodeFragment(source, flags, end);
    if ((kind !== COMPACT_SEND && kind !== COMPACT_SEND_NAMED) || flags > FLAG_FROM) {
      throw new ProtocolError('bad_payload', `undecodable payload: unknown compact frame ${kind}/${flags}`);
    }
    const from = flags === FLAG_FROM ? this.#readPid(source, end) : undefined;
    if (kind === COMPACT_SEND) {
      const to = this.#readPid(source, end);
      const message = this.#readMessage(source, end, owned);
      return from === undefined ? { t: 'send', to, message } : { t: 'send', from, to, message };
    }
    let at = this.#at;
    if (at >= end) throw truncated();
    const length = source[at++]!;
    if (length === 0) throw new ProtocolError('bad_frame', "send_named frame: field 'name' must be a non-empty string");
    if (at + length > end) throw truncated();
    const name = source.toString('utf8', at, at + length);
    this.#at = at + length;
    const message = this.#readMessage(source, end, owned);
    return from === undefined ? { t: 'send_named', name, message } : { t: 'send_named', from, name, message };
  }

  #readMessage(source: Buffer, end: number, owned: boolean): unknown {
    const at = this.#at;
    if (at >= end) throw truncated();
    const value = this.#reader.readAll(source, at, end);
    if (value !== NOT_SIMPLE_VALUE) return value;
    // msgpackr reads small payloads fastest as a buffer of their own.
    return end - at < 128 ? this.#unpack(source.subarray(at, end), 0, end - at, owned) : this.#unpack(source, at, end, owned);
  }

  #readPid(source: Buffer, end: number): Pid {
    const at = this.#at;
    if (at >= end) throw truncated();
    const length = source[at]!;
    if (length === 0) throw new ProtocolError('bad_payload', 'undecodable payload: pid node name must be a non-empty string');
    const size = 1 + length + 12;
    if (at + size > end) throw truncated();
    this.#at = at + size;
    const fields = at + 1 + length;
    const creation = getU32(source, fields);
    const id = getU32(source, fields + 4);
    const serial = getU32(source, fields + 8);
    // The same pid as recently seen (a process sends to and from the same few): its three
    // numbers first, then its node name's bytes; same bytes, same (immutable) Pid.
    const seen = this.#seenPids;
    for (let i = 0; i < seen.length; i++) {
      const entry = seen[i]!;
      const pid = entry.pid;
      if (pid.id !== id || pid.serial !== serial || entry.creation !== creation || entry.name !== pid.nodeHandle.name) continue;
      if (sameName(entry.nameBytes, source, at + 1, length)) return pid;
    }
    const handle = this.#handleAt(source, at + 1, length, creation);
    const pid = new Pid(handle, id, serial);
    const entry: SeenPid = { nameBytes: Buffer.from(source.subarray(at + 1, fields)), creation, pid, name: handle.name };
    if (seen.length < SEEN_PIDS) seen.push(entry);
    else {
      seen[this.#seenPidNext] = entry;
      this.#seenPidNext = (this.#seenPidNext + 1) % SEEN_PIDS;
    }
    return pid;
  }

  // A pid with these fields: one of the last few decoded (pids are values), or a new one.
  #pidOf(handle: NodeHandle, id: number, serial: number): Pid {
    const recent = this.#recentPids;
    for (let i = 0; i < recent.length; i++) {
      const pid = recent[i]!;
      if (pid.nodeHandle === handle && pid.id === id && pid.serial === serial) return pid;
    }
    const pid = new Pid(handle, id, serial);
    if (recent.length < SEEN_PIDS) recent.push(pid);
    else {
      recent[this.#recentNext] = pid;
      this.#recentNext = (this.#recentNext + 1) % SEEN_PIDS;
    }
    return pid;
  }

  // The handle of the node named by `source[at, at + length)` with `creation`.
  #handleAt(source: Buffer, at: number, length: number, creation: number): NodeHandle {
    const seen = this.#seen;
    for (let i = 0; i < seen.length; i++) {
      const entry = seen[i]!;
      const bytes = entry.bytes;
      if (entry.creation !== creation || bytes.length !== length || entry.handle.name !== entry.name) continue;
      let j = length - 1;
      while (j >= 0 && bytes[j] === source[at + j]) j--;
      if (j < 0) return entry.handle;
    }
    const name = source.toString('utf8', at, at + length);
    const handle = this.#table.intern(name, creation);
    const entry: SeenNode = { bytes: Buffer.from(source.subarray(at, at + length)), creation, name, handle };
    if (seen.length < SEEN_NODES) seen.push(entry);
    else {
      seen[this.#seenNext] = entry;
      this.#seenNext = (this.#seenNext + 1) % SEEN_NODES;
    }
    return handle;
  }

  #decodeFragment(view: Buffer, flags: number, end: number): FragmentFrame {
    const at = this.#at;
    if (end - at < FRAGMENT_HEADER_BYTES - 3) throw truncated();
    if (flags > (FLAG_LAST | FLAG_TOTAL)) throw new ProtocolError('bad_payload', `undecodable payload: fragment flags ${flags}`);
    const id = view.readDoubleBE(at);
    const seq = getU32(view, at + 8);
    const total = view.readDoubleBE(at + 12);
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new ProtocolError('bad_frame', `fragment frame: field 'id' must be a non-negative integer, got ${id}`);
    }
    const last = (flags & FLAG_LAST) !== 0;
    // Without a total the chunk is kept until the message ends: copy it, so it pins no socket chunk.
    if ((flags & FLAG_TOTAL) === 0) return { t: 'fragment', id, seq, last, chunk: Buffer.from(view.subarray(at + 20, end)) };
    if (!Number.isSafeInteger(total) || total < 1) {
      throw new ProtocolError('bad_frame', `fragment frame: field 'total' must be a positive integer, got ${total}`);
    }
    return { t: 'fragment', id, seq, last, chunk: view.subarray(at + 20, end), total };
  }
}

interface CachedPid {
  readonly pid: Pid;
  readonly name: string;
  // Undefined when the pid has no compact form.
  readonly header: Buffer | undefined;
  readonly value: Buffer | undefined;
}

// Pids whose encodings a codec keeps (a process sends to and from the same few).
const PID_CACHE = 8;
// Compact frames written for encodeFrame's callers are cut from buffers of this size.
const SLAB_BYTES = 64 * 1024;

interface SeenPid {
  // The utf-8 bytes of the pid's node name, as they arrived.
  readonly nameBytes: Buffer;
  readonly creation: number;
  readonly pid: Pid;
  // The node's name when decoded (a renamed local node's pids are decoded afresh).
  readonly name: string;
}

// Whether `source[at, at + length)` holds exactly the bytes `known`.
function sameName(known: Buffer, source: Buffer, at: number, length: number): boolean {
  if (known.length !== length) return false;
  for (let j = 0; j < length; j++) if (known[j] !== source[at + j]) return false;
  return true;
}

// Pids a codec recognises by their bytes.
const SEEN_PIDS = 8;

interface SeenNode {
  readonly bytes: Buffer;
  readonly creation: number;
  readonly name: string;
  readonly handle: NodeHandle;
}

// Node names a codec recognises without decoding them (a connection sees one or two).
const SEEN_NODES = 8;

function checkHeadroom(headroom: number): void {
  if (!Number.isInteger(headroom) || headroom < 0 || headroom > MAX_HEADROOM_BYTES) {
    throw new TypeError(`Codec.encode: headroom must be an integer from 0 to ${MAX_HEADROOM_BYTES}, got ${headroom}`);
  }
}

function encodeError(error: unknown): EncodeError {
  if (error instanceof EncodeError) return error;
  return new EncodeError(`cannot encode value: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

function truncated(): ProtocolError {
  return new ProtocolError('bad_payload', 'undecodable payload: truncated compact frame');
}

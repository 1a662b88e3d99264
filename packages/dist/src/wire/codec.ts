// Codec: values ⇄ msgpack bytes, with Pid, Ref and Error as extension types.
// The only module that imports msgpackr: its extension registry is module-global,
// so the extension ids and the decode context below must live in exactly one place.
import { Packr, RESERVE_START_SPACE, Unpackr, addExtension } from 'msgpackr';
import { type NodeTable, Pid, Ref } from '@troupe/runtime';
import { EncodeError, ProtocolError } from '../errors.js';
import { type Frame, parseFrame } from './frame.js';

/** msgpack extension type of a {@link Pid}: `[node, creation, id, serial]`. */
export const PID_EXTENSION = 0x01;
/** msgpack extension type of a {@link Ref}: `[node, creation, id]`. */
export const REF_EXTENSION = 0x02;
/** msgpack extension type of an Error: `[name, message, stack, code, ownProps, cause]`. */
export const ERROR_EXTENSION = 0x03;

/** Largest headroom {@link Codec.encode} can reserve (msgpackr keeps it in one byte). */
export const MAX_HEADROOM_BYTES = 0xff;

// The one piece of decode state: the NodeTable that decoded pids and refs are interned
// into. Invariant: it is set only for the duration of a synchronous `unpack` inside
// Codec.decode (save/restore, so a nested decode restores its caller's table), and is
// undefined at every other moment. msgpackr decodes synchronously and never yields, so
// no other codec can observe another connection's table.
let decodeTable: NodeTable | undefined;

function internedHandle(nodeName: unknown, creation: unknown) {
  if (decodeTable === undefined) throw new Error('a Pid or Ref was decoded outside Codec.decode');
  if (typeof nodeName !== 'string' || nodeName.length === 0) throw new Error('pid/ref node name must be a non-empty string');
  if (!isUint32(creation)) throw new Error('pid/ref creation must be an unsigned 32-bit integer');
  return decodeTable.intern(nodeName, creation);
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
 * Erlang equivalent: `term_to_binary/1` and `binary_to_term/1` with the distribution's
 * atom cache replaced by per-payload records.
 */
export class Codec {
  readonly #packr = new Packr({ ...OPTIONS });
  readonly #unpackr = new Unpackr({ ...OPTIONS });
  readonly #table: NodeTable;

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
    if (!Number.isInteger(headroom) || headroom < 0 || headroom > MAX_HEADROOM_BYTES) {
      throw new TypeError(`Codec.encode: headroom must be an integer from 0 to ${MAX_HEADROOM_BYTES}, got ${headroom}`);
    }
    try {
      return headroom === 0 ? this.#packr.pack(value) : this.#packr.pack(value, RESERVE_START_SPACE | headroom);
    } catch (error) {
      if (error instanceof EncodeError) throw error;
      throw new EncodeError(`cannot encode value: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
  }

  /**
   * Decodes exactly one value that fills `payload`.
   * @throws ProtocolError `bad_payload` for anything that is not one well-formed value.
   */
  decode(payload: Uint8Array): unknown {
    if (!(payload instanceof Uint8Array)) throw new TypeError('Codec.decode: payload must be a Buffer or Uint8Array');
    if (payload.length === 0) throw new ProtocolError('bad_payload', 'empty payload');
    const previous = decodeTable;
    decodeTable = this.#table;
    try {
      return this.#unpackr.unpack(payload);
    } catch (error) {
      throw new ProtocolError('bad_payload', `undecodable payload: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    } finally {
      decodeTable = previous;
    }
  }

  /**
   * Decodes a payload and checks that it is a {@link Frame}.
   * @throws ProtocolError `bad_payload` or `bad_frame`.
   */
  decodeFrame(payload: Uint8Array): Frame {
    return parseFrame(this.decode(payload));
  }
}

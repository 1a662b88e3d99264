// Simple values: the msgpack encoding of the small terms most messages are made of, written
// and read without msgpackr. Only a subset — null, booleans, numbers, ASCII strings of up to
// 255 characters, pids, and arrays of these (to a small depth) — and byte for byte what
// msgpackr writes for them with the codec's options (records on: positive fixints stop at
// 0x3f, 0x40–0x7f being record references). Anything else is "not simple" and the caller
// uses msgpackr for the whole value, so both readers always agree on what bytes mean.
import { type NodeHandle, Pid } from '@troupe/runtime';
import { putU32 } from './compact.js';

/** putSimple: the value is outside the subset. */
export const NOT_SIMPLE = -1;
/** putSimple: the value does not fit before `end`. */
export const NO_ROOM = -2;
/** readSimple: the bytes are outside the subset (the caller decodes them with msgpackr). */
export const NOT_SIMPLE_VALUE: unique symbol = Symbol('not simple');

/** The msgpack extension type of a pid (codec.ts PID_EXTENSION). */
const PID_EXTENSION = 0x01;
// Arrays nest at most this deep in a simple value.
const MAX_DEPTH = 4;
// Arrays of at most this many items are simple.
const MAX_ITEMS = 0xffff;

/** How pids are turned into bytes and back (the codec's caches and node table). */
export interface PidBytes {
  /** The encoded pid (`d4 01 00` and its array), or undefined when it is not simple. */
  encodedPid(pid: Pid): Buffer | undefined;
  /** The handle of the node named by the ASCII bytes `source[at, at + length)` with `creation`. */
  handleAt(source: Uint8Array, at: number, length: number, creation: number): NodeHandle;
  /** A pid with these fields (a recently decoded one may be reused: pids are values). */
  pid(handle: NodeHandle, id: number, serial: number): Pid;
}

/**
 * Writes `value` at `at`; returns the position after it, {@link NOT_SIMPLE} or
 * {@link NO_ROOM} (nothing meaningful was written then).
 */
export function putSimple(value: unknown, target: Uint8Array, at: number, end: number, pids: PidBytes, depth = 0): number {
  switch (typeof value) {
    case 'string': {
      const length = value.length;
      if (length > 0xff) return NOT_SIMPLE;
      const header = length < 0x20 ? 1 : 2;
      if (at + header + length > end) return NO_ROOM;
      if (header === 1) target[at++] = 0xa0 | length;
      else {
        target[at++] = 0xd9;
        target[at++] = length;
      }
      for (let i = 0; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) return NOT_SIMPLE;
        target[at++] = code;
      }
      return at;
    }
    case 'number': {
      if (at + 9 > end) return NO_ROOM;
      if (value >>> 0 === value) {
        if (value < 0x40) target[at++] = value;
        else if (value < 0x100) {
          target[at++] = 0xcc;
          target[at++] = value;
        } else if (value < 0x10000) {
          target[at++] = 0xcd;
          target[at++] = value >> 8;
          target[at++] = value & 0xff;
        } else {
          target[at++] = 0xce;
          at = putU32(target, at, value);
        }
      } else if (value >> 0 === value) {
        if (value >= -0x20) target[at++] = 0x100 + value;
        else if (value >= -0x80) {
          target[at++] = 0xd0;
          target[at++] = value + 0x100;
        } else if (value >= -0x8000) {
          target[at++] = 0xd1;
          target[at++] = (value >> 8) & 0xff;
          target[at++] = value & 0xff;
        } else {
          target[at++] = 0xd2;
          at = putU32(target, at, value >>> 0);
        }
      } else {
        target[at++] = 0xcb;
        FLOAT[0] = value;
        for (let i = 7; i >= 0; i--) target[at++] = FLOAT_BYTES[LITTLE_ENDIAN ? i : 7 - i]!;
      }
      return at;
    }
    case 'boolean':
      if (at + 1 > end) return NO_ROOM;
      target[at] = value ? 0xc3 : 0xc2;
      return at + 1;
    case 'object': {
      if (value === null) {
        if (at + 1 > end) return NO_ROOM;
        target[at] = 0xc0;
        return at + 1;
      }
      const constructor = (value as object).constructor;
      if (constructor === Array) {
        const array = value as unknown[];
        const length = array.length;
        if (depth >= MAX_DEPTH || length > MAX_ITEMS) return NOT_SIMPLE;
        if (length < 0x10) {
          if (at + 1 > end) return NO_ROOM;
          target[at++] = 0x90 | length;
        } else {
          if (at + 3 > end) return NO_ROOM;
          target[at++] = 0xdc;
          target[at++] = length >> 8;
          target[at++] = length & 0xff;
        }
        for (let i = 0; i < length; i++) {
          at = putSimple(array[i], target, at, end, pids, depth + 1);
          if (at < 0) return at;
        }
        return at;
      }
      if (constructor === Pid) {
        const bytes = pids.encodedPid(value as Pid);
        if (bytes === undefined) return NOT_SIMPLE;
        if (at + bytes.length > end) return NO_ROOM;
        target.set(bytes, at);
        return at + bytes.length;
      }
      return NOT_SIMPLE;
    }
    default:
      return NOT_SIMPLE;
  }
}

/** The encoding of `pid` as msgpackr writes it (`d4 01 00 94 <node> <creation> <id> <serial>`), when simple. */
export function encodePid(pid: Pid): Buffer | undefined {
  const name = pid.nodeHandle.name;
  const scratch = Buffer.allocUnsafe(3 + 1 + 2 + name.length + 3 * 5);
  scratch[0] = 0xd4;
  scratch[1] = PID_EXTENSION;
  scratch[2] = 0;
  scratch[3] = 0x94;
  let at = putSimple(name, scratch, 4, scratch.length, NO_PIDS);
  if (at < 0) return undefined;
  for (const field of [pid.nodeHandle.creation, pid.id, pid.serial]) {
    if (typeof field !== 'number' || field >>> 0 !== field) return undefined;
    at = putSimple(field, scratch, at, scratch.length, NO_PIDS);
    if (at < 0) return undefined;
  }
  return Buffer.from(scratch.subarray(0, at));
}

const NO_PIDS: PidBytes = {
  encodedPid: () => undefined,
  pid: (handle, id, serial) => new Pid(handle, id, serial),
  handleAt: () => {
    throw new Error('no pids here');
  },
};

const FLOAT = new Float64Array(1);
const FLOAT_BYTES = new Uint8Array(FLOAT.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reads values of the simple subset: {@link read} returns the value at `at` and leaves
 * {@link position} after it, or returns {@link NOT_SIMPLE_VALUE}.
 */
export class SimpleReader {
  position = 0;
  #end = 0;
  #source: Uint8Array = new Uint8Array(0);
  readonly #pids: PidBytes;

  constructor(pids: PidBytes) {
    this.#pids = pids;
  }

  /** The value filling `source[at, end)` exactly, or {@link NOT_SIMPLE_VALUE}. */
  readAll(source: Uint8Array, at: number, end: number): unknown {
    this.#source = source;
    this.#end = end;
    this.position = at;
    const value = this.#read(0);
    this.#source = EMPTY;
    return this.position === end ? value : NOT_SIMPLE_VALUE;
  }

  #read(depth: number): unknown {
    const source = this.#source;
    const end = this.#end;
    let at = this.position;
    if (at >= end) return NOT_SIMPLE_VALUE;
    const token = source[at++]!;
    if (token < 0x40) {
      this.position = at;
      return token;
    }
    if (token >= 0xe0) {
      this.position = at;
      return token - 0x100;
    }
    if (token >= 0xa0 && token < 0xc0) {
      this.position = at;
      return this.#string(token - 0xa0);
    }
    if (token >= 0x90 && token < 0xa0) {
      this.position = at;
      return this.#array(token - 0x90, depth);
    }
    switch (token) {
      case 0xc0:
        this.position = at;
        return null;
      case 0xc2:
        this.position = at;
        return false;
      case 0xc3:
        this.position = at;
        return true;
      case 0xcc:
        if (at + 1 > end) return NOT_SIMPLE_VALUE;
        this.position = at + 1;
        return source[at];
      case 0xcd:
        if (at + 2 > end) return NOT_SIMPLE_VALUE;
        this.position = at + 2;
        return (source[at]! << 8) | source[at + 1]!;
      case 0xce:
        if (at + 4 > end) return NOT_SIMPLE_VALUE;
        this.position = at + 4;
        return ((source[at]! << 24) | (source[at + 1]! << 16) | (source[at + 2]! << 8) | source[at + 3]!) >>> 0;
      case 0xd0:
        if (at + 1 > end) return NOT_SIMPLE_VALUE;
        this.position = at + 1;
        return (source[at]! << 24) >> 24;
      case 0xd1:
        if (at + 2 > end) return NOT_SIMPLE_VALUE;
        this.position = at + 2;
        return (((source[at]! << 8) | source[at + 1]!) << 16) >> 16;
      case 0xd2:
        if (at + 4 > end) return NOT_SIMPLE_VALUE;
        this.position = at + 4;
        return (source[at]! << 24) | (source[at + 1]! << 16) | (source[at + 2]! << 8) | source[at + 3]!;
      case 0xcb: {
        if (at + 8 > end) return NOT_SIMPLE_VALUE;
        for (let i = 0; i < 8; i++) FLOAT_BYTES[LITTLE_ENDIAN ? 7 - i : i] = source[at + i]!;
        this.position = at + 8;
        return FLOAT[0];
      }
      case 0xd9:
        if (at + 1 > end) return NOT_SIMPLE_VALUE;
        this.position = at + 1;
        return this.#string(source[at]!);
      case 0xdc:
        if (at + 2 > end) return NOT_SIMPLE_VALUE;
        this.position = at + 2;
        return this.#array((source[at]! << 8) | source[at + 1]!, depth);
      case 0xd4:
        if (at + 2 > end || source[at] !== PID_EXTENSION || source[at + 1] !== 0) return NOT_SIMPLE_VALUE;
        this.position = at + 2;
        return this.#pid();
      default:
        return NOT_SIMPLE_VALUE;
    }
  }

  // An ASCII string of `length` bytes at `position`.
  #string(length: number): string | typeof NOT_SIMPLE_VALUE {
    const source = this.#source;
    const at = this.position;
    const end = at + length;
    if (end > this.#end) return NOT_SIMPLE_VALUE;
    let text = '';
    if (length <= 16) {
      for (let i = at; i < end; i++) {
        const code = source[i]!;
        if (code >= 0x80) return NOT_SIMPLE_VALUE;
        text += String.fromCharCode(code);
      }
    } else {
      for (let i = at; i < end; i++) if (source[i]! >= 0x80) return NOT_SIMPLE_VALUE;
      text = Buffer.prototype.latin1Slice.call(source, at, end) as string;
    }
    this.position = end;
    return text;
  }

  #array(length: number, depth: number): unknown[] | typeof NOT_SIMPLE_VALUE {
    if (depth >= MAX_DEPTH || length > this.#end - this.position) return NOT_SIMPLE_VALUE;
    const array = new Array<unknown>(length);
    for (let i = 0; i < length; i++) {
      const item = this.#read(depth + 1);
      if (item === NOT_SIMPLE_VALUE) return NOT_SIMPLE_VALUE;
      array[i] = item;
    }
    return array;
  }

  // A pid's array, after `d4 01 00`: [node, creation, id, serial] (as the codec's pid extension checks them).
  #pid(): Pid | typeof NOT_SIMPLE_VALUE {
    const source = this.#source;
    let at = this.position;
    if (at + 2 > this.#end || source[at++] !== 0x94) return NOT_SIMPLE_VALUE;
    let length = source[at++]!;
    if (length >= 0xa1 && length < 0xc0) length -= 0xa0;
    else if (length === 0xd9 && at < this.#end) length = source[at++]!;
    else return NOT_SIMPLE_VALUE;
    const nameAt = at;
    if (length === 0 || nameAt + length > this.#end) return NOT_SIMPLE_VALUE;
    for (let i = nameAt; i < nameAt + length; i++) if (source[i]! >= 0x80) return NOT_SIMPLE_VALUE;
    this.position = nameAt + length;
    const creation = this.#uint();
    const id = this.#uint();
    const serial = this.#uint();
    if (creation < 0 || id < 0 || serial < 0) return NOT_SIMPLE_VALUE;
    return this.#pids.pid(this.#pids.handleAt(source, nameAt, length, creation), id, serial);
  }

  // A non-negative integer of at most 32 bits, or -1.
  #uint(): number {
    const value = this.#read(MAX_DEPTH);
    return typeof value === 'number' && value >>> 0 === value ? value : -1;
  }
}

const EMPTY = new Uint8Array(0);

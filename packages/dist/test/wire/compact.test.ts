// Compact frames and simple values: the fast encodings must mean exactly what msgpackr means.
import { NodeTable, Pid, Ref } from '@troupe/runtime';
import { describe, expect, it } from 'vitest';
import { FrameTooLargeError, ProtocolError } from '../../src/errors.js';
import { Codec } from '../../src/wire/codec.js';
import { COMPACT_MARK } from '../../src/wire/compact.js';
import type { ConnectionFrame, FragmentFrame } from '../../src/wire/frame.js';
import { JOIN_MAX_BYTES, Reassembler } from '../../src/wire/fragments.js';
import { LENGTH_PREFIX_BYTES, encodeFramed, encodeFramedParts } from '../../src/wire/framing.js';
import { NOT_SIMPLE, NOT_SIMPLE_VALUE, type PidBytes, SimpleReader, encodePid, putSimple } from '../../src/wire/simple.js';
import { sampleTerms } from './samples.js';

const { table, local, far, ref } = sampleTerms();
const codec = new Codec(table);

const pids: PidBytes = {
  encodedPid: (pid) => encodePid(pid),
  handleAt: (source, at, length, creation) => table.intern(Buffer.from(source.subarray(at, at + length)).toString('latin1'), creation),
  pid: (handle, id, serial) => new Pid(handle, id, serial),
};

const SIMPLE: unknown[] = [
  0, 1, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffff_ffff, -1, -0x20, -0x21, -0x80, -0x81, -0x8000, -0x8001,
  -0x8000_0000, 0.5, -1.25, 2 ** 40, Number.MAX_SAFE_INTEGER, Number.NaN, Infinity, -Infinity, -0,
  true, false, null, '', 'a', 'ping', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(255),
  [], ['msg', 42], [local, 'ping'], [[1, [2, [3]]], 'deep'], Array.from({ length: 20 }, (_, i) => i), far,
];
const NOT_SIMPLE_VALUES: unknown[] = [
  undefined, 'é', 'z'.repeat(256), {}, { a: 1 }, new Map(), Buffer.from('x'), 10n, ref, [1, undefined], [[[[[1]]]]], new Date(0),
];

describe('simple values', () => {
  it.each(SIMPLE.map((value) => [String(value), value]))('writes %s byte for byte as msgpackr does', (_label, value) => {
    const target = Buffer.alloc(1024);
    const end = putSimple(value, target, 0, target.length, pids);
    expect(end).toBeGreaterThan(0);
    expect(target.subarray(0, end).toString('hex')).toBe(codec.encode(value).toString('hex'));
  });

  it.each(SIMPLE.map((value) => [String(value), value]))('reads %s as msgpackr does', (_label, value) => {
    const bytes = codec.encode(value);
    const read = new SimpleReader(pids).readAll(bytes, 0, bytes.length);
    expect(read).not.toBe(NOT_SIMPLE_VALUE);
    expect(read).toEqual(codec.decode(bytes));
  });

  it('leaves everything else to msgpackr, both ways', () => {
    for (const value of NOT_SIMPLE_VALUES) {
      expect(putSimple(value, Buffer.alloc(1024), 0, 1024, pids)).toBe(NOT_SIMPLE);
      const bytes = codec.encode(value);
      expect(new SimpleReader(pids).readAll(bytes, 0, bytes.length)).toBe(NOT_SIMPLE_VALUE);
    }
  });

  it('never reads past the end it is given', () => {
    const bytes = codec.encode(['msg', 42]);
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(new SimpleReader(pids).readAll(bytes, 0, cut)).toBe(NOT_SIMPLE_VALUE);
    }
  });
});

describe('compact frames', () => {
  const frames: ConnectionFrame[] = [
    { t: 'send', from: local, to: far, message: ['msg', 42] },
    { t: 'send', to: far, message: 'ping' },
    { t: 'send', from: local, to: far, message: { nested: [far, new Map([[1, 2]])], blob: Buffer.alloc(100, 3) } },
    { t: 'send', from: local, to: ref, message: 'to an alias' },
    { t: 'send_named', from: local, name: 'registry', message: [local, 'hello'] },
    { t: 'send_named', name: 'n'.repeat(300), message: 'long name' },
    { t: 'send', from: local, to: far, message: undefined },
  ];

  it.each(frames.map((frame, i) => [i, frame]))('round-trips frame %i', (_i, frame) => {
    const framed = encodeFramed(codec, frame);
    expect(framed.readUInt32BE(0)).toBe(framed.length - LENGTH_PREFIX_BYTES);
    expect(codec.decodeFrame(framed.subarray(LENGTH_PREFIX_BYTES))).toEqual(frame);
  });

  it('uses the compact layout for pid and name sends, msgpack for aliases', () => {
    expect(encodeFramed(codec, frames[0]!)[LENGTH_PREFIX_BYTES]).toBe(COMPACT_MARK);
    expect(encodeFramed(codec, frames[4]!)[LENGTH_PREFIX_BYTES]).toBe(COMPACT_MARK);
    expect(encodeFramed(codec, frames[3]!)[LENGTH_PREFIX_BYTES]).not.toBe(COMPACT_MARK);
  });

  it('decodes pids onto this node table and another node onto its own handles', () => {
    const other = new NodeTable('b@127.0.0.1', 3);
    const decoded = new Codec(other).decodeFrame(encodeFramed(codec, frames[0]!).subarray(LENGTH_PREFIX_BYTES)) as {
      from: Pid;
      to: Pid;
    };
    expect(decoded.to.isLocal).toBe(true);
    expect(decoded.from.node).toBe('a@127.0.0.1');
    expect(decoded.from.isLocal).toBe(false);
  });

  it('reuses a recently decoded pid only for the same node, creation and numbers', () => {
    const receiver = new Codec(new NodeTable('r@127.0.0.1', 1));
    // Same id and serial, node names of the same length, then another creation of the same node.
    const senders = [new Pid(table.intern('c@127.0.0.1', 3), 9, 1), new Pid(table.intern('d@127.0.0.1', 3), 9, 1)];
    senders.push(new Pid(table.intern('c@127.0.0.1', 4), 9, 1));
    const decodeFrom = (from: Pid) =>
      (receiver.decodeFrame(encodeFramed(codec, { t: 'send', from, to: far, message: 'x' }).subarray(LENGTH_PREFIX_BYTES)) as { from: Pid })
        .from;
    const first = senders.map(decodeFrom);
    expect(first.map((pid) => [pid.node, pid.nodeHandle.creation, pid.id, pid.serial])).toEqual([
      ['c@127.0.0.1', 3, 9, 1],
      ['d@127.0.0.1', 3, 9, 1],
      ['c@127.0.0.1', 4, 9, 1],
    ]);
    expect(senders.map(decodeFrom)).toEqual(first);
    expect(decodeFrom(senders[0]!)).toBe(first[0]);
  });

  it('leaves big Buffers in place as parts and still decodes the same', () => {
    const blob = Buffer.alloc(100_000, 7);
    const frame: ConnectionFrame = { t: 'send', from: local, to: far, message: ['bin', blob, 'after'] };
    const parts = encodeFramedParts(codec, frame) as Buffer[];
    expect(Array.isArray(parts)).toBe(true);
    expect(parts).toContain(blob);
    const whole = Buffer.concat(parts);
    expect(whole.readUInt32BE(0)).toBe(whole.length - LENGTH_PREFIX_BYTES);
    expect(whole.equals(encodeFramed(codec, frame))).toBe(true);
  });

  it('rejects every truncation and survives garbage with ProtocolError only', () => {
    const good = encodeFramed(codec, frames[0]!).subarray(LENGTH_PREFIX_BYTES);
    for (let cut = 1; cut < good.length; cut++) {
      expect(() => codec.decodeFrame(good.subarray(0, cut))).toThrow(ProtocolError);
    }
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(good);
      bytes[1 + Math.floor(random() * (bytes.length - 1))] = Math.floor(random() * 256);
      try {
        codec.decodeFrame(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
      }
    }
    expect(codec.decodeFrame(good)).toEqual(frames[0]);
  });
});

describe('fragments with a total', () => {
  const fragment = (id: number, seq: number, last: boolean, chunk: Buffer, total?: number): FragmentFrame =>
    total === undefined ? { t: 'fragment', id, seq, last, chunk } : { t: 'fragment', id, seq, last, chunk, total };

  it.each([
    ['joined at the end', 3 * 1024],
    ['filled as it comes', JOIN_MAX_BYTES + 1024],
  ])('rebuilds a message %s', (_how, size) => {
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i += 997) payload[i] = i & 0xff;
    const reassembler = new Reassembler({ maxBytes: 2 * size });
    const piece = Math.ceil(size / 3);
    let whole: Buffer | undefined;
    for (let seq = 0; seq * piece < size; seq++) {
      const end = Math.min(size, (seq + 1) * piece);
      whole = reassembler.accept(fragment(9, seq, end === size, payload.subarray(seq * piece, end), seq === 0 ? size : undefined));
    }
    expect(whole!.equals(payload)).toBe(true);
    expect(reassembler.bufferedBytes).toBe(0);
  });

  it('counts the announced total at once and rejects chunks that do not add up to it', () => {
    const reassembler = new Reassembler({ maxBytes: 100 });
    expect(() => reassembler.accept(fragment(1, 0, false, Buffer.alloc(10), 101))).toThrow(FrameTooLargeError);
    reassembler.accept(fragment(2, 0, false, Buffer.alloc(10), 30));
    expect(reassembler.bufferedBytes).toBe(30);
    expect(() => reassembler.accept(fragment(2, 1, true, Buffer.alloc(10)))).toThrow(/add up/);
    reassembler.accept(fragment(3, 0, false, Buffer.alloc(10), 20));
    expect(() => reassembler.accept(fragment(3, 1, false, Buffer.alloc(10)))).toThrow(/add up/);
    expect(() => reassembler.accept(fragment(4, 0, true, Buffer.alloc(10), 11))).toThrow(/bad_fragment|bytes/);
  });
});

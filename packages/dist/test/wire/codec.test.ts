import { NodeTable, Pid, Ref, errorReason, shutdownWith } from '@troupe/runtime';
import { describe, expect, it } from 'vitest';
import { EncodeError, ProtocolError } from '../../src/errors.js';
import { Codec, ERROR_EXTENSION, PID_EXTENSION, REF_EXTENSION } from '../../src/wire/codec.js';
import { sampleFrames, sampleTerms } from './samples.js';

function roundTrip<T>(value: T, codec = new Codec(sampleTerms().table)): T {
  return codec.decode(codec.encode(value)) as T;
}

function badPayload(codec: Codec, bytes: Uint8Array): ProtocolError {
  try {
    codec.decode(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('bad_payload');
    return error as ProtocolError;
  }
  throw new Error('decode accepted bad bytes');
}

describe('Codec', () => {
  describe('frames', () => {
    const terms = sampleTerms();
    const codec = new Codec(terms.table);
    const frames = sampleFrames(terms);

    it.each(Object.values(frames).map((frame) => [frame.t, frame] as const))('round-trips a %s frame', (_t, frame) => {
      const decoded = codec.decodeFrame(codec.encode(frame));
      if (frame.t === 'exit') {
        // Errors are checked field by field below; the rest must be equal.
        const { reason, ...rest } = decoded as typeof frame;
        expect(rest).toEqual({ t: 'exit', from: frame.from, to: frame.to });
        expect((reason as { kind: string }).kind).toBe('error');
        return;
      }
      expect(decoded).toEqual(frame);
    });

    it('decodes every payload on its own: no state carries over from earlier payloads', () => {
      const payloads = Object.values(frames).map((frame) => codec.encode(frame));
      const again = Object.values(frames).map((frame) => codec.encode(frame));
      // Decode in reverse order with a brand-new codec each time, as a fresh connection would.
      for (let i = payloads.length - 1; i >= 0; i--) {
        const fresh = new Codec(sampleTerms().table);
        expect(fresh.decode(payloads[i]!)).toBeTruthy();
        expect(Buffer.compare(payloads[i]!, again[i]!)).toBe(0);
      }
    });
  });

  describe('pids and refs', () => {
    it('decodes a pid of a known node onto the same NodeHandle (identity)', () => {
      const { table, local, far, ref, farRef } = sampleTerms();
      const codec = new Codec(table);
      const [p1, p2, r1, r2] = roundTrip([local, far, ref, farRef], codec);
      expect(p1).toBeInstanceOf(Pid);
      expect(p1!.nodeHandle).toBe(table.local);
      expect(p1!.equals(local)).toBe(true);
      expect(p2!.nodeHandle).toBe(far.nodeHandle);
      expect(p2!.equals(far)).toBe(true);
      expect(p2!.serial).toBe(1);
      expect(r1).toBeInstanceOf(Ref);
      expect(r1!.equals(ref)).toBe(true);
      expect(r2!.equals(farRef)).toBe(true);
    });

    it('maps pids across nodes: ours become remote there, theirs become local there', () => {
      const a = new NodeTable('a@127.0.0.1', 7);
      const b = new NodeTable('b@127.0.0.1', 3);
      const aPid = new Pid(a.local, 5, 0);
      const bPidSeenFromA = new Pid(a.intern('b@127.0.0.1', 3), 8, 0);
      const [x, y] = new Codec(b).decode(new Codec(a).encode([aPid, bPidSeenFromA])) as Pid[];
      expect(x!.isLocal).toBe(false);
      expect(x!.node).toBe('a@127.0.0.1');
      expect(x!.creation).toBe(7);
      expect(x!.nodeHandle).toBe(b.intern('a@127.0.0.1', 7));
      expect(y!.isLocal).toBe(true);
      expect(y!.nodeHandle).toBe(b.local);
    });

    it('keeps pids and refs nested anywhere in a message', () => {
      const { table, local, far, ref } = sampleTerms();
      const message = { a: [{ b: new Map<unknown, unknown>([[far, ref]]) }], c: new Set([local]), d: [[[far]]] };
      const decoded = roundTrip(message, new Codec(table));
      expect(decoded).toEqual(message);
      const [key] = [...decoded.a[0]!.b.keys()];
      expect((key as Pid).equals(far)).toBe(true);
    });

    it('uses named extension ids', () => {
      expect([PID_EXTENSION, REF_EXTENSION, ERROR_EXTENSION]).toEqual([1, 2, 3]);
      const { table, local } = sampleTerms();
      const bytes = new Codec(table).encode(local);
      expect([bytes[0], bytes[1]]).toEqual([0xd4, PID_EXTENSION]);
    });

    it('rejects malformed pid and ref data', () => {
      const codec = new Codec(sampleTerms().table);
      const tagged = (type: number, datum: unknown) =>
        Buffer.concat([Buffer.of(0xd4, type, 0), codec.encode(datum)]);
      expect(badPayload(codec, tagged(PID_EXTENSION, ['a', 1, 2])).message).toMatch(/pid must be/);
      expect(badPayload(codec, tagged(PID_EXTENSION, ['', 1, 2, 0])).message).toMatch(/node name/);
      expect(badPayload(codec, tagged(PID_EXTENSION, ['a', -1, 2, 0])).message).toMatch(/creation/);
      expect(badPayload(codec, tagged(PID_EXTENSION, ['a', 1, 1.5, 0])).message).toMatch(/id and serial/);
      expect(badPayload(codec, tagged(REF_EXTENSION, { id: 1 })).message).toMatch(/ref must be/);
      expect(badPayload(codec, tagged(REF_EXTENSION, ['a', 1, 'x'])).message).toMatch(/ref id/);
      // A pid extension in a non-fixext1 container is not a pid either.
      expect(badPayload(codec, Buffer.of(0xc7, 1, PID_EXTENSION, 0)).code).toBe('bad_payload');
    });
  });

  describe('exit reasons', () => {
    const reasons: unknown[] = [
      'normal',
      'shutdown',
      'kill',
      'killed',
      'noproc',
      'noconnection',
      'timeout',
      'some_atom',
      shutdownWith('maintenance'),
      shutdownWith({ nested: [1, 2, { deep: true }] }),
      { kind: 'bad_return_value', callback: 'handleCall', value: { not: 'a result' } },
      { kind: 'custom', code: 3, pid: sampleTerms().far },
    ];

    it.each(reasons.map((r) => [JSON.stringify(r), r] as const))('round-trips %s', (_label, reason) => {
      expect(roundTrip(reason)).toEqual(reason);
    });

    it('keeps {kind: error} with a TypeError as a real TypeError', () => {
      const reason = errorReason(new TypeError('x'));
      const decoded = roundTrip(reason) as { kind: string; error: Error; stack: string };
      expect(decoded.kind).toBe('error');
      expect(decoded.error).toBeInstanceOf(TypeError);
      expect(decoded.error.name).toBe('TypeError');
      expect(decoded.error.message).toBe('x');
      expect(decoded.error.stack).toBe(reason.stack);
      expect(decoded.stack).toBe(reason.stack);
    });

    it('keeps thrown non-errors', () => {
      expect(roundTrip(errorReason('just a string'))).toEqual({ kind: 'error', error: 'just a string' });
      expect(roundTrip(errorReason(undefined))).toEqual({ kind: 'error', error: undefined });
    });
  });

  describe('errors', () => {
    it.each([Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError])(
      'decodes a %o as the same built-in class with the sender’s stack',
      (Class) => {
        const error = new Class('boom');
        const decoded = roundTrip(error);
        expect(decoded).toBeInstanceOf(Class);
        expect(decoded.constructor).toBe(Class);
        expect(decoded.message).toBe('boom');
        expect(decoded.stack).toBe(error.stack);
        expect(Object.keys(decoded)).toEqual([]);
      },
    );

    it('keeps the name, code and own fields of a custom error class', () => {
      class CallTimeoutError extends Error {
        readonly code = 'call_timeout';
        override readonly name = 'CallTimeoutError';
        constructor(
          readonly server: unknown,
          readonly timeoutMs: number,
        ) {
          super('call timed out');
        }
      }
      const { far } = sampleTerms();
      const { table } = sampleTerms();
      const codec = new Codec(table);
      const decoded = codec.decode(codec.encode(new CallTimeoutError(far, 5000))) as Error & Record<string, unknown>;
      expect(decoded).toBeInstanceOf(Error);
      expect(decoded.name).toBe('CallTimeoutError');
      expect(decoded.message).toBe('call timed out');
      expect(decoded['code']).toBe('call_timeout');
      expect(decoded['timeoutMs']).toBe(5000);
      expect((decoded['server'] as Pid).node).toBe('b@127.0.0.1');
      expect(String(decoded)).toBe('CallTimeoutError: call timed out');
    });

    it('keeps a code defined on the prototype, and a cause, and errors inside errors', () => {
      class Coded extends Error {
        get code() {
          return 'E_PROTO';
        }
      }
      const error = new Coded('outer', { cause: new RangeError('inner') });
      (error as Error & { details?: unknown }).details = { list: [new SyntaxError('deep')] };
      const decoded = roundTrip(error) as Error & { code: string; details: { list: Error[] } };
      expect(decoded.code).toBe('E_PROTO');
      expect(decoded.cause).toBeInstanceOf(RangeError);
      expect((decoded.cause as Error).message).toBe('inner');
      expect(decoded.details.list[0]).toBeInstanceOf(SyntaxError);
    });

    it('keeps a Node system error code and an error without a stack', () => {
      const system = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', errno: -111 });
      const decoded = roundTrip(system) as Error & { code: string; errno: number };
      expect([decoded.code, decoded.errno]).toEqual(['ECONNREFUSED', -111]);
      const bare = new Error('no stack');
      delete (bare as { stack?: string }).stack;
      expect(roundTrip(bare).stack).toBeUndefined();
    });

    it('does not let a field named __proto__ change the prototype', () => {
      const error = new Error('x');
      Object.defineProperty(error, '__proto__', { value: { polluted: true }, enumerable: true });
      const decoded = roundTrip(error);
      expect(Object.getPrototypeOf(decoded)).toBe(Error.prototype);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('rejects malformed error data', () => {
      const codec = new Codec(sampleTerms().table);
      const tagged = (datum: unknown) => Buffer.concat([Buffer.of(0xd4, ERROR_EXTENSION, 0), codec.encode(datum)]);
      expect(badPayload(codec, tagged(['E', 'm'])).message).toMatch(/an error must be/);
      expect(badPayload(codec, tagged([1, 'm', null, null, {}, null])).message).toMatch(/name and message/);
      expect(badPayload(codec, tagged(['E', 'm', 5, null, {}, null])).message).toMatch(/stack/);
      expect(badPayload(codec, tagged(['E', 'm', null, null, [], null])).message).toMatch(/fields/);
      expect(badPayload(codec, tagged(['E', 'm', null, null, {}, 'c'])).message).toMatch(/cause/);
    });
  });

  describe('values', () => {
    it('round-trips JSON-like values, undefined, and special numbers', () => {
      const value = {
        s: 'héllo ✓',
        n: [0, -1, 1.5, 2 ** 31, -(2 ** 40), Number.MAX_SAFE_INTEGER, Infinity, -Infinity],
        b: [true, false],
        nil: null,
        u: undefined,
        arr: [1, undefined, 3],
        empty: {},
      };
      const decoded = roundTrip(value);
      expect(decoded).toEqual(value);
      expect(Object.hasOwn(decoded, 'u')).toBe(true);
      expect(Number.isNaN(roundTrip(Number.NaN))).toBe(true);
      expect(roundTrip(undefined)).toBeUndefined();
    });

    it('keeps Buffers as Buffers that own their memory', () => {
      const codec = new Codec(sampleTerms().table);
      const payload = codec.encode({ data: Buffer.from('bytes'), empty: Buffer.alloc(0) });
      const decoded = codec.decode(payload) as { data: Buffer; empty: Buffer };
      expect(Buffer.isBuffer(decoded.data)).toBe(true);
      expect(decoded.data.toString()).toBe('bytes');
      expect(decoded.empty.length).toBe(0);
      payload.fill(0);
      expect(decoded.data.toString()).toBe('bytes');
    });

    it('keeps Maps (any keys) apart from plain objects, and Sets, Dates, RegExps, typed arrays, bigints', () => {
      const value = {
        map: new Map<unknown, unknown>([
          [1, 'one'],
          ['k', { nested: new Map([['x', 1]]) }],
          [{ composite: true }, [1, 2]],
        ]),
        set: new Set([1, 'a']),
        date: new Date(1_700_000_000_123),
        re: /a+b/giu,
        u8: new Uint8Array([1, 2, 3]),
        f64: new Float64Array([1.5, -2]),
        big: [10n, -(2n ** 63n), 2n ** 100n],
      };
      const decoded = roundTrip(value);
      expect(decoded).toEqual(value);
      expect(decoded.map).toBeInstanceOf(Map);
      expect(decoded.f64).toBeInstanceOf(Float64Array);
      expect(typeof decoded.big[0]).toBe('bigint');
    });

    it('sends class instances as their own fields', () => {
      class Point {
        constructor(
          readonly x: number,
          readonly y: number,
        ) {}
        norm() {
          return Math.hypot(this.x, this.y);
        }
      }
      expect(roundTrip(new Point(3, 4))).toEqual({ x: 3, y: 4 });
    });

    it('handles many object shapes in one payload and objects with many keys', () => {
      const shapes = Array.from({ length: 300 }, (_, i) => ({ [`k${i}`]: i, common: i }));
      expect(roundTrip(shapes)).toEqual(shapes);
      const wide = Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`f${i}`, i]));
      expect(roundTrip(wide)).toEqual(wide);
    });

    it('renames a __proto__ key instead of polluting prototypes', () => {
      const decoded = roundTrip(JSON.parse('{"__proto__": {"polluted": 1}, "ok": 2}')) as Record<string, unknown>;
      expect(decoded['ok']).toBe(2);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    });
  });

  describe('encode', () => {
    const codec = new Codec(sampleTerms().table);

    it('refuses functions and symbols with EncodeError', () => {
      expect(() => codec.encode({ reply: () => 1 })).toThrow(EncodeError);
      expect(() => codec.encode([Symbol('s')])).toThrow(EncodeError);
      try {
        codec.encode({ fn() {} });
      } catch (error) {
        expect((error as EncodeError).code).toBe('unencodable');
        expect((error as Error).message).toMatch(/closures cannot travel/);
      }
    });

    it('keeps working after a failed encode', () => {
      expect(() => codec.encode({ a: [1, 2, () => 3] })).toThrow(EncodeError);
      expect(roundTrip({ a: [1, 2, 3] }, codec)).toEqual({ a: [1, 2, 3] });
    });

    it('reserves headroom in front of the payload', () => {
      const plain = codec.encode({ x: 1 });
      const roomy = codec.encode({ x: 1 }, 4);
      expect(roomy.length).toBe(plain.length + 4);
      expect(Buffer.compare(roomy.subarray(4), plain)).toBe(0);
      expect(() => codec.encode(1, 256)).toThrow(TypeError);
      expect(() => codec.encode(1, -1)).toThrow(/headroom/);
    });

    it('never reuses a returned buffer for later encodes', () => {
      const first = codec.encode({ a: 'first' });
      const copy = Buffer.from(first);
      for (let i = 0; i < 2000; i++) codec.encode({ i, filler: 'x'.repeat(50) });
      expect(Buffer.compare(first, copy)).toBe(0);
    });

    it('checks its arguments', () => {
      expect(() => new Codec({} as NodeTable)).toThrow(/table must be a NodeTable/);
      expect(() => codec.decode('x' as unknown as Uint8Array)).toThrow(TypeError);
    });
  });

  describe('decode of bad input', () => {
    const codec = new Codec(sampleTerms().table);
    const good = codec.encode(sampleFrames().send);

    it('rejects an empty payload', () => {
      expect(badPayload(codec, Buffer.alloc(0)).message).toMatch(/empty/);
    });

    it('rejects every truncation of a valid payload', () => {
      for (let cut = 1; cut < good.length; cut++) badPayload(codec, good.subarray(0, cut));
    });

    it('rejects trailing bytes after one value', () => {
      badPayload(codec, Buffer.concat([good, Buffer.of(0xc0)]));
    });

    it('rejects unknown extensions and lying lengths', () => {
      expect(badPayload(codec, Buffer.of(0xd4, 0x50, 0x00)).message).toMatch(/extension/i);
      badPayload(codec, Buffer.of(0xdd, 0xff, 0xff, 0xff, 0xff)); // array of 4 billion items
      badPayload(codec, Buffer.of(0xdb, 0x7f, 0xff, 0xff, 0xff, 0x61)); // string of 2 GiB
    });

    it('rejects the structured-clone reference extensions', () => {
      badPayload(codec, Buffer.of(0xd6, 0x70, 0, 0, 0, 1));
    });

    it('survives random garbage: only ProtocolError, and the codec keeps working', () => {
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      for (let i = 0; i < 2000; i++) {
        const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
        try {
          codec.decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }
      // Mutations of a valid frame: decode or fail cleanly, never anything else.
      for (let i = 0; i < 2000; i++) {
        const bytes = Buffer.from(good);
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        try {
          codec.decodeFrame(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }
      expect(codec.decodeFrame(good)).toEqual(sampleFrames().send);
    });

    it('rejects well-formed msgpack that is not a frame with bad_frame', () => {
      try {
        codec.decodeFrame(codec.encode({ t: 'send' }));
        throw new Error('accepted');
      } catch (error) {
        expect((error as ProtocolError).code).toBe('bad_frame');
      }
    });
  });
});

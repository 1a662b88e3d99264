import { describe, expect, it } from 'vitest';
import { FrameTooLargeError, ProtocolError } from '../../src/errors.js';
import { Codec } from '../../src/wire/codec.js';
import {
  DEFAULT_FRAGMENT_BYTES,
  Reassembler,
  fragmentPayload,
} from '../../src/wire/fragments.js';
import type { FragmentFrame } from '../../src/wire/frame.js';
import { FrameDecoder, LENGTH_PREFIX_BYTES, encodeFramed } from '../../src/wire/framing.js';
import { sampleTerms } from './samples.js';

function badFragment(reassembler: Reassembler, fragment: FragmentFrame): string {
  try {
    reassembler.accept(fragment);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('bad_fragment');
    return (error as Error).message;
  }
  throw new Error('fragment accepted');
}

const frag = (id: number, seq: number, last: boolean, chunk = Buffer.from('x')): FragmentFrame => ({
  t: 'fragment',
  id,
  seq,
  last,
  chunk,
});

describe('fragmentPayload', () => {
  it('splits into views of at most chunkBytes, numbered from 0, the last one marked', () => {
    const payload = Buffer.from('abcdefghij');
    const fragments = fragmentPayload(payload, 7, 4);
    expect(fragments.map((f) => [f.id, f.seq, f.last, f.chunk.toString()])).toEqual([
      [7, 0, false, 'abcd'],
      [7, 1, false, 'efgh'],
      [7, 2, true, 'ij'],
    ]);
    expect(fragments[0]!.chunk.buffer).toBe(payload.buffer);
  });

  it('makes one last fragment when the payload fits, and exact multiples end cleanly', () => {
    expect(fragmentPayload(Buffer.from('abc'), 0, 3).map((f) => f.last)).toEqual([true]);
    expect(fragmentPayload(Buffer.alloc(8), 0, 4).map((f) => [f.seq, f.last])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(DEFAULT_FRAGMENT_BYTES).toBe(64 * 1024);
  });

  it('checks its arguments', () => {
    expect(() => fragmentPayload(Buffer.alloc(0), 0)).toThrow(/payload/);
    expect(() => fragmentPayload(Buffer.alloc(1), -1)).toThrow(/id/);
    expect(() => fragmentPayload(Buffer.alloc(1), 0, 0)).toThrow(/chunkBytes/);
  });
});

describe('Reassembler', () => {
  it('rebuilds a big frame sent as fragment frames through the codec and framing', () => {
    const terms = sampleTerms();
    const codec = new Codec(terms.table);
    const big = { t: 'send', to: terms.far, message: { blob: Buffer.alloc(300_000, 5), text: 'x'.repeat(1000) } } as const;
    const payload = encodeFramed(codec, big).subarray(LENGTH_PREFIX_BYTES);
    const wire = Buffer.concat(
      fragmentPayload(payload, 1).flatMap((fragment) => [encodeFramed(codec, fragment), encodeFramed(codec, { t: 'tick' })]),
    );
    const decoder = new FrameDecoder();
    decoder.push(wire);
    const reassembler = new Reassembler();
    let ticks = 0;
    let whole: Buffer | undefined;
    for (let next = decoder.next(); next !== undefined; next = decoder.next()) {
      const frame = codec.decodeFrame(next);
      if (frame.t === 'tick') ticks++;
      else if (frame.t === 'fragment') whole = reassembler.accept(frame) ?? whole;
    }
    expect(ticks).toBe(5);
    expect(codec.decodeFrame(whole!)).toEqual(big);
    expect(reassembler.bufferedBytes).toBe(0);
  });

  it('keeps interleaved messages apart', () => {
    const reassembler = new Reassembler();
    const a = fragmentPayload(Buffer.from('aaaaaa'), 1, 2);
    const b = fragmentPayload(Buffer.from('bbbb'), 2, 2);
    expect(reassembler.accept(a[0]!)).toBeUndefined();
    expect(reassembler.accept(b[0]!)).toBeUndefined();
    expect(reassembler.accept(a[1]!)).toBeUndefined();
    expect(reassembler.pendingMessages).toBe(2);
    expect(reassembler.accept(b[1]!)!.toString()).toBe('bbbb');
    expect(reassembler.accept(a[2]!)!.toString()).toBe('aaaaaa');
    expect(reassembler.pendingMessages).toBe(0);
  });

  it('returns a single last fragment at once and lets an id be reused after it ends', () => {
    const reassembler = new Reassembler();
    expect(reassembler.accept(frag(1, 0, true, Buffer.from('one')))!.toString()).toBe('one');
    expect(reassembler.accept(frag(1, 0, false))).toBeUndefined();
    expect(reassembler.accept(frag(1, 1, true))!.toString()).toBe('xx');
  });

  it('rejects gaps, repeats, unknown ids, restarts and empty chunks', () => {
    const reassembler = new Reassembler();
    reassembler.accept(frag(1, 0, false));
    expect(badFragment(reassembler, frag(1, 2, false))).toMatch(/expected 1\/1/);
    expect(badFragment(reassembler, frag(1, 0, false))).toMatch(/started again/);
    expect(badFragment(reassembler, frag(9, 3, true))).toMatch(/never started/);
    expect(badFragment(reassembler, frag(1, 1, false, Buffer.alloc(0)))).toMatch(/empty/);
  });

  it('bounds the bytes of unfinished messages', () => {
    const reassembler = new Reassembler({ maxBytes: 10 });
    reassembler.accept(frag(1, 0, false, Buffer.alloc(6)));
    reassembler.accept(frag(2, 0, false, Buffer.alloc(4)));
    expect(reassembler.bufferedBytes).toBe(10);
    expect(() => reassembler.accept(frag(1, 1, true, Buffer.alloc(1)))).toThrow(FrameTooLargeError);
    reassembler.clear();
    expect(reassembler.bufferedBytes).toBe(0);
    expect(reassembler.accept(frag(3, 0, false, Buffer.alloc(10)))).toBeUndefined();
  });

  it('bounds the number of unfinished messages', () => {
    const reassembler = new Reassembler({ maxMessages: 2 });
    reassembler.accept(frag(1, 0, false));
    reassembler.accept(frag(2, 0, false));
    expect(badFragment(reassembler, frag(3, 0, false))).toMatch(/more than 2/);
  });

  it('checks its options', () => {
    expect(() => new Reassembler({ maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => new Reassembler({ maxMessages: 1.5 })).toThrow(/maxMessages/);
  });
});

import { describe, expect, it } from 'vitest';
import { FrameTooLargeError } from '../../src/errors.js';
import { Codec } from '../../src/wire/codec.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, LENGTH_PREFIX_BYTES, encodeFramed } from '../../src/wire/framing.js';
import { sampleFrames, sampleTerms } from './samples.js';

function framed(payload: Buffer): Buffer {
  const header = Buffer.alloc(LENGTH_PREFIX_BYTES);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

function drain(decoder: FrameDecoder): Buffer[] {
  const out: Buffer[] = [];
  for (let payload = decoder.next(); payload !== undefined; payload = decoder.next()) out.push(payload);
  return out;
}

const payloads = [Buffer.from('a'), Buffer.from('hello world'), Buffer.alloc(0), Buffer.alloc(3000, 9), Buffer.from('end')];
const stream = Buffer.concat(payloads.map(framed));
const hex = (buffers: Buffer[]) => buffers.map((b) => b.toString('hex'));

describe('encodeFramed', () => {
  it('writes a 4-byte big-endian length and the payload in one buffer', () => {
    const codec = new Codec(sampleTerms().table);
    const frame = sampleFrames().send;
    const bytes = encodeFramed(codec, frame);
    expect(bytes.readUInt32BE(0)).toBe(bytes.length - 4);
    expect(codec.decodeFrame(bytes.subarray(4))).toEqual(frame);
  });

  it('refuses a payload above the maximum before anything is written', () => {
    const codec = new Codec(sampleTerms().table);
    const frame = { t: 'send', to: sampleTerms().far, message: Buffer.alloc(100) } as const;
    const size = encodeFramed(codec, frame).length - 4;
    expect(encodeFramed(codec, frame, size).length).toBe(size + 4);
    try {
      encodeFramed(codec, frame, size - 1);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(FrameTooLargeError);
      expect(error).toMatchObject({ code: 'frame_too_large', size, maxBytes: size - 1 });
    }
  });
});

describe('FrameDecoder', () => {
  it('defaults to a 64 MiB maximum', () => {
    expect(new FrameDecoder().maxFrameBytes).toBe(DEFAULT_MAX_FRAME_BYTES);
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(64 * 1024 * 1024);
  });

  it('cuts many frames out of one chunk', () => {
    const decoder = new FrameDecoder();
    decoder.push(stream);
    expect(drain(decoder)).toEqual(payloads);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('reassembles frames fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const out: Buffer[] = [];
    for (const byte of stream) {
      decoder.push(Buffer.of(byte));
      out.push(...drain(decoder));
    }
    expect(out).toEqual(payloads);
  });

  it('handles every split point of the stream into two chunks, headers included', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      decoder.push(stream.subarray(0, cut));
      const out = drain(decoder);
      decoder.push(stream.subarray(cut));
      out.push(...drain(decoder));
      expect(hex(out)).toEqual(hex(payloads));
    }
  });

  it('returns a payload inside one chunk as a view, without copying', () => {
    const decoder = new FrameDecoder();
    const chunk = framed(Buffer.from('view'));
    decoder.push(chunk);
    const payload = decoder.next()!;
    expect(payload.buffer).toBe(chunk.buffer);
  });

  it('assembles a large frame from many chunks in linear time', () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 1);
    const bytes = framed(body);
    const decoder = new FrameDecoder();
    const started = performance.now();
    for (let at = 0; at < bytes.length; at += 1024) {
      decoder.push(bytes.subarray(at, at + 1024));
      if (at + 1024 < bytes.length) expect(decoder.next()).toBeUndefined();
    }
    const out = decoder.next()!;
    expect(out.length).toBe(body.length);
    expect(out.equals(body)).toBe(true);
    // Quadratic concatenation of 8192 chunks would take seconds; linear takes milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('accepts a frame of exactly the maximum size', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 10 });
    decoder.push(framed(Buffer.alloc(10, 1)));
    expect(decoder.next()!.length).toBe(10);
  });

  it('rejects a frame one byte over the maximum from its prefix alone, before the body', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 10 });
    const header = Buffer.alloc(4);
    header.writeUInt32BE(11, 0);
    expect(() => decoder.push(header.subarray(0, 3))).not.toThrow();
    let error: unknown;
    try {
      decoder.push(header.subarray(3));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect(error).toMatchObject({ code: 'frame_too_large', size: 11, maxBytes: 10 });
    // The decoder stays failed: the stream can no longer be trusted.
    expect(() => decoder.push(Buffer.alloc(11))).toThrow(FrameTooLargeError);
    expect(() => decoder.next()).toThrow(FrameTooLargeError);
  });

  it('rejects a 4 GiB prefix with the default maximum', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Buffer.of(0xff, 0xff, 0xff, 0xff))).toThrow(FrameTooLargeError);
  });

  it('checks only the frame at the front; later prefixes are checked when they reach it', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 5 });
    decoder.push(Buffer.concat([framed(Buffer.from('ok')), framed(Buffer.alloc(6))]));
    expect(decoder.next()!.toString()).toBe('ok');
    expect(() => decoder.next()).toThrow(FrameTooLargeError);
  });

  it('hands over buffered bytes untouched, partial frames included', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 5 });
    const rest = Buffer.concat([framed(Buffer.alloc(100, 2)), Buffer.from([0, 0])]);
    decoder.push(Buffer.concat([framed(Buffer.from('hs')), rest.subarray(0, 50)]));
    decoder.push(rest.subarray(50));
    expect(decoder.next()!.toString()).toBe('hs');
    const handed = decoder.takeBuffered();
    expect(handed.equals(rest)).toBe(true);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.next()).toBeUndefined();
    const next = new FrameDecoder();
    next.push(handed);
    expect(next.next()!.length).toBe(100);
  });

  it('ignores empty chunks and checks its arguments', () => {
    const decoder = new FrameDecoder();
    decoder.push(Buffer.alloc(0));
    expect(decoder.next()).toBeUndefined();
    decoder.push(new Uint8Array([0, 0, 0, 1, 42]));
    expect(decoder.next()).toEqual(Buffer.of(42));
    expect(() => decoder.push('x' as unknown as Buffer)).toThrow(TypeError);
    expect(() => new FrameDecoder({ maxFrameBytes: -1 })).toThrow(/maxFrameBytes/);
  });
});

import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { type Frame, isHandshakeFrame, parseFrame } from '../../src/wire/frame.js';
import { sampleFrames, sampleTerms } from './samples.js';

function badFrame(value: unknown): ProtocolError {
  try {
    parseFrame(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('bad_frame');
    return error as ProtocolError;
  }
  throw new Error('parseFrame accepted a bad frame');
}

describe('parseFrame', () => {
  const terms = sampleTerms();
  const frames = sampleFrames(terms);

  it.each(Object.values(frames).map((frame) => [frame.t, frame] as const))('accepts a well-formed %s frame as is', (_t, frame) => {
    expect(parseFrame(frame)).toBe(frame);
  });

  it('tells handshake frames from connection frames', () => {
    const handshake = Object.values(frames).filter((f) => isHandshakeFrame(f as Frame)).map((f) => f.t);
    expect(handshake.sort()).toEqual(
      ['hs_alive_answer', 'hs_challenge', 'hs_challenge_ack', 'hs_challenge_reply', 'hs_name', 'hs_reject', 'hs_status'],
    );
  });

  it('rejects values that are not objects', () => {
    for (const value of [null, undefined, 1, 'send', [], Buffer.from('x')]) {
      expect(badFrame(value).message).toMatch(/must be an object/);
    }
  });

  it('rejects a missing or non-string tag, and unknown tags by name', () => {
    expect(badFrame({}).message).toMatch(/string tag 't'/);
    expect(badFrame({ t: 3 }).message).toMatch(/string tag 't'/);
    expect(badFrame({ t: 'teleport' }).message).toBe("unknown frame type 'teleport'");
    expect(badFrame({ t: 'toString' }).message).toBe("unknown frame type 'toString'");
  });

  it('names the frame kind and the missing field', () => {
    const { to: _to, ...withoutTo } = frames.send;
    expect(badFrame(withoutTo).message).toBe("send frame: missing field 'to'");
    expect(badFrame({ t: 'down', from: terms.far, to: terms.local, ref: terms.ref }).message).toBe(
      "down frame: missing field 'reason'",
    );
  });

  it('names the ill-typed field and what it must be', () => {
    expect(badFrame({ ...frames.send, to: '<0.1.0>' }).message).toMatch(/send frame: field 'to' must be a Pid or an alias Ref, got "<0\.1\.0>"/);
    expect(badFrame({ ...frames.monitor, ref: 12 }).message).toMatch(/field 'ref' must be a Ref/);
    expect(badFrame({ ...frames.exit, reason: 42 }).message).toMatch(/field 'reason' must be an exit reason/);
    expect(badFrame({ ...frames.exit, reason: { detail: 1 } }).message).toMatch(/field 'reason'/);
    expect(badFrame({ ...frames.monitor, target: '' }).message).toMatch(/field 'target' must be a Pid or a name/);
    expect(badFrame({ ...frames.peers, nodes: ['a', 1] }).message).toMatch(/field 'nodes' must be an array of strings/);
    expect(badFrame({ ...frames.fragment, seq: -1 }).message).toMatch(/field 'seq' must be a non-negative integer/);
    expect(badFrame({ ...frames.fragment, chunk: 'abc' }).message).toMatch(/field 'chunk' must be bytes/);
    expect(badFrame({ ...frames.hs_challenge, challenge: Buffer.alloc(31) }).message).toMatch(/32 bytes, got 31 bytes/);
    expect(badFrame({ ...frames.hs_name, creation: 2 ** 32 }).message).toMatch(/unsigned 32-bit/);
    expect(badFrame({ ...frames.hs_name, flags: {} }).message).toMatch(/flags/);
    expect(badFrame({ ...frames.hs_status, status: 'maybe' }).message).toMatch(/field 'status' must be one of/);
    expect(badFrame({ ...frames.spawn_reply, result: { error: 3 } }).message).toMatch(/field 'result'/);
    expect(badFrame({ ...frames.spawn_request, args: 'x' }).message).toMatch(/field 'args' must be an array/);
  });

  it('treats an undefined optional field as absent, but checks a present one', () => {
    expect(parseFrame({ t: 'send', from: undefined, to: terms.far, message: 1 })).toBeTruthy();
    expect(parseFrame({ t: 'unlink', from: terms.local, to: terms.far })).toBeTruthy();
    expect(badFrame({ ...frames.send, from: 'me' }).message).toMatch(/field 'from' must be a Pid/);
    expect(badFrame({ ...frames.spawn_request, link: 'yes' }).message).toMatch(/field 'link' must be a boolean/);
  });

  it('accepts any message, undefined included, but requires the field', () => {
    expect(parseFrame({ t: 'send', to: terms.far, message: undefined })).toBeTruthy();
    expect(badFrame({ t: 'send', to: terms.far }).message).toBe("send frame: missing field 'message'");
  });

  it('ignores unknown extra fields (forward compatibility)', () => {
    expect(parseFrame({ t: 'tick', priority: 'high' })).toEqual({ t: 'tick', priority: 'high' });
  });

  it('accepts the exit reasons the runtime produces', () => {
    for (const reason of ['normal', 'noconnection', { kind: 'shutdown', detail: 1 }, { kind: 'bad_return_value', callback: 'init', value: 1 }]) {
      expect(parseFrame({ ...frames.exit2, reason })).toBeTruthy();
    }
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCookie, digest, newChallenge, verifyDigest } from '../../src/handshake/challenge.js';
import { CHALLENGE_BYTES } from '../../src/wire/frame.js';

describe('challenge', () => {
  it('makes fresh 32-byte challenges', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const challenge = newChallenge();
      expect(challenge.length).toBe(CHALLENGE_BYTES);
      seen.add(challenge.toString('hex'));
    }
    expect(seen.size).toBe(100);
  });

  it('digests with HMAC-SHA256 keyed by the cookie', () => {
    const challenge = Buffer.alloc(32, 3);
    const expected = createHmac('sha256', 'secret').update(challenge).digest();
    expect(digest('secret', challenge).equals(expected)).toBe(true);
    expect(digest(Buffer.from('secret'), challenge).equals(expected)).toBe(true);
  });

  it('verifies only the right digest for the right challenge and cookie', () => {
    const challenge = newChallenge();
    const proof = digest('cookie', challenge);
    expect(verifyDigest('cookie', challenge, proof)).toBe(true);
    expect(verifyDigest('other', challenge, proof)).toBe(false);
    expect(verifyDigest('cookie', newChallenge(), proof)).toBe(false);
    const flipped = Buffer.from(proof);
    flipped[31]! ^= 1;
    expect(verifyDigest('cookie', challenge, flipped)).toBe(false);
  });

  it('rejects proofs of the wrong length without throwing', () => {
    const challenge = newChallenge();
    expect(verifyDigest('cookie', challenge, Buffer.alloc(0))).toBe(false);
    expect(verifyDigest('cookie', challenge, digest('cookie', challenge).subarray(0, 31))).toBe(false);
    expect(verifyDigest('cookie', challenge, Buffer.concat([digest('cookie', challenge), Buffer.of(0)]))).toBe(false);
  });

  it('accepts only non-empty string or byte cookies', () => {
    expect(checkCookie('t', 'c')).toBe('c');
    for (const bad of ['', Buffer.alloc(0), 1, undefined, null]) expect(() => checkCookie('t', bad)).toThrow(TypeError);
  });
});

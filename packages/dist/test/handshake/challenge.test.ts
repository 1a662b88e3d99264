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

  const AB = { prover: 'dialer', dialer: 'a@127.0.0.1', acceptor: 'b@127.0.0.1' } as const;

  it('digests with HMAC-SHA256 keyed by the cookie, over the role, both names and the challenge, each length-prefixed', () => {
    const challenge = Buffer.alloc(32, 3);
    const hmac = createHmac('sha256', 'secret');
    for (const part of ['troupe-dist-proof', 'dialer', 'a@127.0.0.1', 'b@127.0.0.1', challenge]) {
      const bytes = Buffer.from(part);
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(bytes.length);
      hmac.update(prefix).update(bytes);
    }
    const expected = hmac.digest();
    expect(digest('secret', challenge, AB).equals(expected)).toBe(true);
    expect(digest(Buffer.from('secret'), challenge, AB).equals(expected)).toBe(true);
  });

  it('verifies only the right digest for the right challenge and cookie', () => {
    const challenge = newChallenge();
    const proof = digest('cookie', challenge, AB);
    expect(verifyDigest('cookie', challenge, proof, AB)).toBe(true);
    expect(verifyDigest('other', challenge, proof, AB)).toBe(false);
    expect(verifyDigest('cookie', newChallenge(), proof, AB)).toBe(false);
    const flipped = Buffer.from(proof);
    flipped[31]! ^= 1;
    expect(verifyDigest('cookie', challenge, flipped, AB)).toBe(false);
  });

  it('binds a proof to the prover role and to both node names', () => {
    const challenge = newChallenge();
    const proof = digest('cookie', challenge, AB);
    expect(verifyDigest('cookie', challenge, proof, { ...AB, prover: 'acceptor' })).toBe(false);
    expect(verifyDigest('cookie', challenge, proof, { ...AB, dialer: 'evil@127.0.0.1' })).toBe(false);
    expect(verifyDigest('cookie', challenge, proof, { ...AB, acceptor: 'c@127.0.0.1' })).toBe(false);
    // Moving characters between the names must not give the same input.
    const shifted = { prover: 'dialer', dialer: 'a@127.0.0.1b', acceptor: '@127.0.0.1' } as const;
    expect(verifyDigest('cookie', challenge, proof, shifted)).toBe(false);
  });

  it('rejects proofs of the wrong length without throwing', () => {
    const challenge = newChallenge();
    expect(verifyDigest('cookie', challenge, Buffer.alloc(0), AB)).toBe(false);
    expect(verifyDigest('cookie', challenge, digest('cookie', challenge, AB).subarray(0, 31), AB)).toBe(false);
    expect(verifyDigest('cookie', challenge, Buffer.concat([digest('cookie', challenge, AB), Buffer.of(0)]), AB)).toBe(false);
  });

  it('accepts only non-empty string or byte cookies', () => {
    expect(checkCookie('t', 'c')).toBe('c');
    for (const bad of ['', Buffer.alloc(0), 1, undefined, null]) expect(() => checkCookie('t', bad)).toThrow(TypeError);
  });
});

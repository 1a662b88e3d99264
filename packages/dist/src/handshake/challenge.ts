// Cookie proofs (Erlang's `auth` + dist_util digests): random challenges, HMAC-SHA256, constant-time checks.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CHALLENGE_BYTES } from '../wire/frame.js';

/** A shared secret between nodes that may connect (Erlang's magic cookie). */
export type Cookie = string | Uint8Array;

/** Checks a cookie argument: a non-empty string or non-empty bytes. */
export function checkCookie(caller: string, cookie: unknown): Cookie {
  const ok = (typeof cookie === 'string' || cookie instanceof Uint8Array) && cookie.length > 0;
  if (!ok) throw new TypeError(`${caller}: cookie must be a non-empty string or Buffer`);
  return cookie as Cookie;
}

/** A fresh unpredictable challenge from the OS CSPRNG (dist_util `gen_challenge`). */
export function newChallenge(): Buffer {
  return randomBytes(CHALLENGE_BYTES);
}

/**
 * The proof that the sender knows `cookie`, bound to one `challenge`:
 * HMAC-SHA256 keyed by the cookie (dist_util `gen_digest`, which uses MD5).
 */
export function digest(cookie: Cookie, challenge: Uint8Array): Buffer {
  return createHmac('sha256', cookie).update(challenge).digest();
}

/**
 * True when `proof` is the digest of `challenge` under `cookie`. The comparison takes
 * the same time wherever the bytes differ; a proof of the wrong length is rejected
 * before comparing (timingSafeEqual needs equal lengths, and the length is public).
 */
export function verifyDigest(cookie: Cookie, challenge: Uint8Array, proof: Uint8Array): boolean {
  const expected = digest(cookie, challenge);
  if (proof.length !== expected.length) return false;
  return timingSafeEqual(expected, proof);
}

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
 * Who proves what to whom: the proof names the side that makes it and both nodes, so
 * a proof made for one connection cannot be replayed on another between other names,
 * nor reflected back in the other direction (Erlang's digest binds only the challenge).
 */
export interface ProofBinding {
  /** The side making the proof. */
  readonly prover: 'dialer' | 'acceptor';
  /** The dialing node's name, as it announced itself. */
  readonly dialer: string;
  /** The accepting node's name, as it announced itself. */
  readonly acceptor: string;
}

// Fixes what the HMAC covers; changing it is a protocol change.
const PROOF_LABEL = 'troupe-dist-proof';

/**
 * The proof that the sender knows `cookie`, bound to one `challenge` and to `binding`:
 * HMAC-SHA256 keyed by the cookie (dist_util `gen_digest`, which uses MD5 over the
 * challenge alone). Every field is length-prefixed so no two bindings share an input.
 */
export function digest(cookie: Cookie, challenge: Uint8Array, binding: ProofBinding): Buffer {
  const hmac = createHmac('sha256', cookie);
  for (const part of [PROOF_LABEL, binding.prover, binding.dialer, binding.acceptor]) {
    const bytes = Buffer.from(part, 'utf8');
    hmac.update(lengthPrefix(bytes.length)).update(bytes);
  }
  return hmac.update(lengthPrefix(challenge.length)).update(challenge).digest();
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(length);
  return prefix;
}

/**
 * True when `proof` is the digest of `challenge` under `cookie` and `binding`. The
 * comparison takes the same time wherever the bytes differ; a proof of the wrong length
 * is rejected before comparing (timingSafeEqual needs equal lengths, and the length is public).
 */
export function verifyDigest(cookie: Cookie, challenge: Uint8Array, proof: Uint8Array, binding: ProofBinding): boolean {
  const expected = digest(cookie, challenge, binding);
  if (proof.length !== expected.length) return false;
  return timingSafeEqual(expected, proof);
}

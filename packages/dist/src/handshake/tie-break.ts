// Simultaneous connect: which of two crossing connection attempts survives (net_kernel's accept_pending rule).
import type { HandshakeStatus } from '../wire/frame.js';

/** What the accepting node already has for the node that is dialing it. */
export type ExistingConnection =
  /** Nothing: a plain new connection. */
  | 'none'
  /** Our own dial to that node is still in its handshake: a simultaneous connect. */
  | 'pending'
  /** An established connection (the peer may have restarted without us noticing yet). */
  | 'up'
  /** An established connection that another incoming handshake is already replacing. */
  | 'up_pending';

/**
 * Orders node names as Erlang orders atoms (by character code points), via their
 * UTF-8 bytes, whose order is the same; negative when `a` sorts first.
 */
export function compareNodeNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The status an accepting node answers to `peerName`'s handshake — the value for
 * `acceptHandshake`'s `onName` — following net_kernel's `accept_pending`:
 *
 * - `none` → `ok`.
 * - `pending` (both nodes dialed each other): the node with the greater name keeps
 *   its own outgoing attempt. So if `localName > peerName` we answer `nok` (the peer's
 *   attempt dies, ours goes on); otherwise `ok_simultaneous`, and the caller must
 *   abandon its own pending dial, because the peer will refuse it with `nok`. Both
 *   nodes apply the same rule to the same two names, so exactly one connection survives.
 * - `up` → `alive`: the dialer then says whether our connection is stale (it restarted).
 * - `up_pending` → `nok`: a replacement is already under way (net_kernel's `already_pending`).
 * - A peer claiming our own name → `not_allowed`.
 */
export function acceptStatus(localName: string, peerName: string, existing: ExistingConnection): HandshakeStatus {
  if (typeof localName !== 'string' || localName.length === 0) {
    throw new TypeError('acceptStatus: localName must be a non-empty string');
  }
  if (typeof peerName !== 'string' || peerName.length === 0) {
    throw new TypeError('acceptStatus: peerName must be a non-empty string');
  }
  const order = compareNodeNames(localName, peerName);
  if (order === 0) return 'not_allowed';
  switch (existing) {
    case 'none':
      return 'ok';
    case 'pending':
      return order > 0 ? 'nok' : 'ok_simultaneous';
    case 'up':
      return 'alive';
    case 'up_pending':
      return 'nok';
    default:
      throw new TypeError(`acceptStatus: existing must be 'none', 'pending', 'up' or 'up_pending', got ${String(existing)}`);
  }
}

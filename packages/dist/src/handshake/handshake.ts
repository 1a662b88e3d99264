// The distribution handshake (Erlang's dist_util): the dialing side and the accepting
// side as two linear scripts. Each proves it knows the cookie; the cookie never travels.
//
//   dialer                                   acceptor
//   hs_name {version, name, flags, creation} ─▶
//                                            ◀─ hs_status {ok | ok_simultaneous | nok | not_allowed | alive}
//   (after alive) hs_alive_answer {proceed}  ─▶
//                                            ◀─ hs_challenge {version, name, flags, creation, challenge A}
//   hs_challenge_reply {challenge B, HMAC(A)} ─▶
//                                            ◀─ hs_challenge_ack {HMAC(B)}
//
// Each HMAC (challenge.ts) also covers the prover's role and both names, so a proof
// cannot be relayed to a connection between other nodes or reflected back.
//
// Either side may send hs_reject {code, reason} instead of its next frame, then closes.
import type { Duplex } from 'node:stream';
import type { HandshakeError } from '../errors.js';
import { type HandshakeFlags, type HandshakeStatus, PROTOCOL_VERSION } from '../wire/frame.js';
import { checkTimeout } from '../transport/transport.js';
import { type HandshakeClock, HandshakeChannel, nodeClock } from './channel.js';
import { type Cookie, checkCookie, digest, newChallenge, verifyDigest } from './challenge.js';

/** Default time a handshake may take before it is dropped (Erlang's net_setuptime, 7 s). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 7_000;

/** Receives one line per failed incoming handshake. */
export type HandshakeLogger = (line: string) => void;

/** What both sides of a handshake need. */
export interface HandshakeOptions {
  /** This node's name, e.g. `'a@127.0.0.1'`. */
  readonly name: string;
  /** The shared secret; only its HMAC proofs cross the wire. */
  readonly cookie: Cookie;
  /** This node's creation (tells its pids from those of an earlier run with the same name). */
  readonly creation: number;
  /** Connect as a hidden node (default false). */
  readonly hidden?: boolean;
  /** Drop the handshake if it has not completed within this time. */
  readonly handshakeTimeoutMs?: number;
  /** Where the timeout is armed; Node timers by default. */
  readonly clock?: HandshakeClock;
}

/** Options of {@link dialHandshake}. */
export interface DialHandshakeOptions extends HandshakeOptions {
  /** The node we mean to reach; a peer with another name fails with `wrong_node`. */
  readonly peerName?: string;
  /**
   * The acceptor answered `alive` (it still has a connection from our name). Return true
   * if that connection must be stale — we have none — so the acceptor replaces it
   * (dist_util asks net_kernel whether it is still the pending owner). Default: true.
   */
  readonly onAlive?: () => boolean | Promise<boolean>;
}

/** What an acceptor learns about the dialer before answering it. */
export interface PeerHello {
  readonly flags: HandshakeFlags;
  readonly creation: number;
}

/** Options of {@link acceptHandshake}. */
export interface AcceptHandshakeOptions extends HandshakeOptions {
  /**
   * Decides about a dialer by name before any challenge (net_kernel's `accept_pending`);
   * see `acceptStatus` in tie-break.ts for the rule. `nok` and `not_allowed` refuse it;
   * `alive` asks the dialer whether our existing connection from it is stale.
   * Called before the dialer has proven the cookie.
   */
  readonly onName: (peerName: string, peer: PeerHello) => HandshakeStatus | Promise<HandshakeStatus>;
  /** Receives one line per failed incoming handshake; `console.warn` by default. */
  readonly logger?: HandshakeLogger;
}

/** A completed handshake: who the peer is, and the stream to carry on with. */
export interface HandshakeResult {
  readonly peerName: string;
  readonly peerCreation: number;
  readonly peerFlags: HandshakeFlags;
  /**
   * The acceptor's answer: `ok`, `ok_simultaneous` (the accepting side must abandon its
   * own pending dial to this peer) or `alive` (the accepting side must drop its old
   * connection to this peer, which the dialer declared stale).
   */
  readonly status: 'ok' | 'ok_simultaneous' | 'alive';
  /**
   * The stream, paused, with no listeners of ours. Attach an `'error'` listener in the
   * same tick, feed `buffered` to the connection's decoder first, then `resume()` it.
   */
  readonly socket: Duplex;
  /** Bytes already read past the last handshake frame; they belong to the connection. */
  readonly buffered: Buffer;
}

interface Checked {
  readonly name: string;
  readonly cookie: Cookie;
  readonly creation: number;
  readonly flags: HandshakeFlags;
  readonly timeoutMs: number;
  readonly clock: HandshakeClock;
}

function checkOptions(caller: string, socket: unknown, options: HandshakeOptions): Checked {
  if (socket === null || typeof socket !== 'object' || typeof (socket as Duplex).write !== 'function') {
    throw new TypeError(`${caller}: socket must be a Duplex stream`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`${caller}: options must be an object`);
  const { name, creation, hidden, clock } = options;
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${caller}: name must be a non-empty string`);
  if (!Number.isInteger(creation) || creation < 0 || creation > 0xffff_ffff) {
    throw new TypeError(`${caller}: creation must be an unsigned 32-bit integer, got ${String(creation)}`);
  }
  if (hidden !== undefined && typeof hidden !== 'boolean') throw new TypeError(`${caller}: hidden must be a boolean`);
  if (clock !== undefined && (typeof clock?.setTimer !== 'function' || typeof clock.cancelTimer !== 'function')) {
    throw new TypeError(`${caller}: clock must have setTimer and cancelTimer`);
  }
  return {
    name,
    cookie: checkCookie(caller, options.cookie),
    creation,
    flags: { hidden: hidden ?? false },
    timeoutMs: checkTimeout(caller, 'handshakeTimeoutMs', options.handshakeTimeoutMs, DEFAULT_HANDSHAKE_TIMEOUT_MS),
    clock: clock ?? nodeClock,
  };
}

/**
 * Runs the dialing side of the handshake on a freshly connected `socket`
 * (dist_util `handshake_we_started`).
 * @throws HandshakeError — the socket is closed by then.
 */
export async function dialHandshake(socket: Duplex, options: DialHandshakeOptions): Promise<HandshakeResult> {
  const own = checkOptions('dialHandshake', socket, options);
  const { peerName: expected, onAlive } = options;
  if (expected !== undefined && (typeof expected !== 'string' || expected.length === 0)) {
    throw new TypeError('dialHandshake: peerName must be a non-empty string');
  }
  if (onAlive !== undefined && typeof onAlive !== 'function') throw new TypeError('dialHandshake: onAlive must be a function');
  const channel = new HandshakeChannel(socket, own.timeoutMs, own.clock);
  channel.peerName = expected;
  try {
    channel.send({ t: 'hs_name', version: PROTOCOL_VERSION, name: own.name, flags: own.flags, creation: own.creation });
    const { status, reason } = await channel.receive('hs_status');
    const because = reason === undefined ? '' : ` (${reason})`;
    if (status === 'nok' || status === 'not_allowed') {
      throw channel.fail(channel.error('refused', `the peer refused the connection: ${status}${because}`, { status }));
    }
    if (status === 'alive') {
      const proceed = (await channel.guard(onAlive === undefined ? true : onAlive())) === true;
      channel.send({ t: 'hs_alive_answer', proceed });
      if (!proceed) {
        throw channel.close(channel.error('refused', 'the peer already has a connection from us, and it is live', { status }));
      }
    }
    const hello = await channel.receive('hs_challenge');
    if (hello.version !== PROTOCOL_VERSION) {
      throw channel.reject('version_mismatch', `we speak protocol ${PROTOCOL_VERSION}, the peer speaks ${hello.version}`);
    }
    if (expected !== undefined && hello.name !== expected) {
      throw channel.reject('wrong_node', `dialed ${expected} but reached ${hello.name}`);
    }
    channel.peerName = hello.name;
    const ours = newChallenge();
    const names = { dialer: own.name, acceptor: hello.name };
    channel.send({ t: 'hs_challenge_reply', challenge: ours, digest: digest(own.cookie, hello.challenge, { prover: 'dialer', ...names }) });
    const ack = await channel.receive('hs_challenge_ack');
    if (!verifyDigest(own.cookie, ours, ack.digest, { prover: 'acceptor', ...names })) {
      throw channel.reject('bad_cookie', "the peer's challenge ack does not match our cookie");
    }
    return completed(channel, hello, status, socket);
  } catch (error) {
    throw channel.fail(error);
  }
}

/**
 * Runs the accepting side of the handshake on a freshly accepted `socket`
 * (dist_util `handshake_other_started`). Logs one line through `logger` when it fails
 * for any reason but a normal refusal (`nok`, or a dialer that declined `alive`).
 * @throws HandshakeError — the socket is closed by then.
 */
export async function acceptHandshake(socket: Duplex, options: AcceptHandshakeOptions): Promise<HandshakeResult> {
  const own = checkOptions('acceptHandshake', socket, options);
  const { onName } = options;
  if (typeof onName !== 'function') throw new TypeError('acceptHandshake: onName must be a function');
  const logger = options.logger ?? ((line: string) => console.warn(line));
  if (typeof logger !== 'function') throw new TypeError('acceptHandshake: logger must be a function');
  const channel = new HandshakeChannel(socket, own.timeoutMs, own.clock);
  try {
    const hello = await channel.receive('hs_name');
    channel.peerName = hello.name;
    if (hello.version !== PROTOCOL_VERSION) {
      throw channel.reject('version_mismatch', `${own.name} speaks protocol ${PROTOCOL_VERSION}, ${hello.name} speaks ${hello.version}`);
    }
    const status = await channel.guard(onName(hello.name, { flags: { hidden: hello.flags.hidden }, creation: hello.creation }));
    if (!isStatus(status)) throw channel.fail(new TypeError(`acceptHandshake: onName returned ${String(status)}, not a status`));
    channel.send({ t: 'hs_status', status });
    if (status === 'nok' || status === 'not_allowed') {
      throw channel.close(channel.error('refused', `refused ${hello.name}: ${status}`, { status }));
    }
    if (status === 'alive') {
      const { proceed } = await channel.receive('hs_alive_answer');
      if (!proceed) throw channel.close(channel.error('refused', `${hello.name} declined to replace its live connection`, { status }));
    }
    const ours = newChallenge();
    channel.send({
      t: 'hs_challenge',
      version: PROTOCOL_VERSION,
      name: own.name,
      flags: own.flags,
      creation: own.creation,
      challenge: ours,
    });
    const reply = await channel.receive('hs_challenge_reply');
    const names = { dialer: hello.name, acceptor: own.name };
    if (!verifyDigest(own.cookie, ours, reply.digest, { prover: 'dialer', ...names })) {
      throw channel.reject('bad_cookie', "the challenge reply does not match our cookie");
    }
    channel.send({ t: 'hs_challenge_ack', digest: digest(own.cookie, reply.challenge, { prover: 'acceptor', ...names }) });
    return completed(channel, hello, status, socket);
  } catch (error) {
    const failure = channel.fail(error);
    if (!isNormalRefusal(failure)) logger(describeFailure(own.name, channel.peerName, failure));
    throw failure;
  }
}

function isStatus(value: unknown): value is HandshakeStatus {
  return value === 'ok' || value === 'ok_simultaneous' || value === 'nok' || value === 'not_allowed' || value === 'alive';
}

/** Ends a successful handshake: what both sides report about the peer that announced itself in `hello`. */
function completed(
  channel: HandshakeChannel,
  hello: { readonly name: string; readonly creation: number; readonly flags: HandshakeFlags },
  status: HandshakeResult['status'],
  socket: Duplex,
): HandshakeResult {
  return {
    peerName: hello.name,
    peerCreation: hello.creation,
    peerFlags: { hidden: hello.flags.hidden },
    status,
    socket,
    buffered: channel.complete(),
  };
}

function isNormalRefusal(error: unknown): boolean {
  const e = error as Partial<HandshakeError> | undefined;
  return e?.name === 'HandshakeError' && e.code === 'refused' && e.details?.status !== 'not_allowed';
}

function describeFailure(own: string, peer: string | undefined, error: unknown): string {
  const from = peer === undefined ? 'an unnamed peer' : `node ${peer}`;
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  // Names and reasons come from the peer: keep them on one printable line.
  return printable(`${own}: connection attempt from ${from} rejected: ${code}${String(e?.message ?? error)}`);
}

function printable(line: string): string {
  const escaped = line.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 1000 ? `${escaped.slice(0, 1000)}…` : escaped;
}

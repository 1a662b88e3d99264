// The Frame union: every message two nodes exchange, tagged by `t`, and its validator.
import { type ExitReason, type Pid, type Ref, isExitReason, isPid, isRef } from '@troupe/runtime';
import { ProtocolError } from '../errors.js';

/**
 * The version of this wire protocol. Exchanged in the handshake; peers with different
 * versions refuse each other. Bump it for any change to a frame's meaning or shape.
 */
export const PROTOCOL_VERSION = 3;

/** Bytes in a handshake challenge. */
export const CHALLENGE_BYTES = 32;

/** Capabilities a node announces in the handshake (Erlang's distribution flags). */
export interface HandshakeFlags {
  /** A hidden node is connected but never part of the mesh (Erlang's `-hidden`). */
  readonly hidden: boolean;
}

/** What the acceptor answers to a name (Erlang's `recv_status` values). */
export type HandshakeStatus = 'ok' | 'ok_simultaneous' | 'nok' | 'not_allowed' | 'alive';

/** Dialer → acceptor, first frame (dist_util `send_name`). */
export interface NameFrame {
  readonly t: 'hs_name';
  readonly version: number;
  readonly name: string;
  readonly flags: HandshakeFlags;
  readonly creation: number;
}

/** Acceptor → dialer, the answer to the name (dist_util `send_status`). */
export interface StatusFrame {
  readonly t: 'hs_status';
  readonly status: HandshakeStatus;
  readonly reason?: string;
}

/** Dialer → acceptor after status `alive`: continue (the old connection is stale) or give up. */
export interface AliveAnswerFrame {
  readonly t: 'hs_alive_answer';
  readonly proceed: boolean;
}

/** Acceptor → dialer: who the acceptor is, and a fresh challenge (dist_util `send_challenge`). */
export interface ChallengeFrame {
  readonly t: 'hs_challenge';
  readonly version: number;
  readonly name: string;
  readonly flags: HandshakeFlags;
  readonly creation: number;
  readonly challenge: Buffer;
}

/** Dialer → acceptor: proof for the acceptor's challenge and a challenge of its own. */
export interface ChallengeReplyFrame {
  readonly t: 'hs_challenge_reply';
  readonly challenge: Buffer;
  readonly digest: Buffer;
}

/** Acceptor → dialer: proof for the dialer's challenge; the handshake is complete. */
export interface ChallengeAckFrame {
  readonly t: 'hs_challenge_ack';
  readonly digest: Buffer;
}

/** Either side, just before it closes a failed handshake: why (a HandshakeErrorCode). */
export interface RejectFrame {
  readonly t: 'hs_reject';
  readonly code: string;
  readonly reason: string;
}

/** The frames allowed before a handshake completes, and only then. */
export type HandshakeFrame =
  | NameFrame
  | StatusFrame
  | AliveAnswerFrame
  | ChallengeFrame
  | ChallengeReplyFrame
  | ChallengeAckFrame
  | RejectFrame;

/** `Pid ! Message` to a remote pid, or `Alias ! Message` to an alias (a Ref) of a remote process. */
export interface SendFrame {
  readonly t: 'send';
  readonly from?: Pid;
  readonly to: Pid | Ref;
  readonly message: unknown;
}

/** `{Name, Node} ! Message`: a send to a name registered on the receiving node. */
export interface SendNamedFrame {
  readonly t: 'send_named';
  readonly from?: Pid;
  readonly name: string;
  readonly message: unknown;
}

/** `link(To)` from a process on the sending node. */
export interface LinkFrame {
  readonly t: 'link';
  readonly from: Pid;
  readonly to: Pid;
}

/** `unlink(To)`; `id` pairs an unlink with its acknowledgement (Erlang's UNLINK_ID). */
export interface UnlinkFrame {
  readonly t: 'unlink';
  readonly from: Pid;
  readonly to: Pid;
  readonly id?: number;
}

/** An exit signal travelling along a link because `from` died. */
export interface ExitFrame {
  readonly t: 'exit';
  readonly from: Pid;
  readonly to: Pid;
  readonly reason: ExitReason;
}

/** `exit(To, Reason)` called by `from` (Erlang's exit/2, EXIT2 on the wire). */
export interface Exit2Frame {
  readonly t: 'exit2';
  readonly from: Pid;
  readonly to: Pid;
  readonly reason: ExitReason;
}

/** `monitor(process, Target)`; a string target is a registered name on the receiving node. */
export interface MonitorFrame {
  readonly t: 'monitor';
  readonly from: Pid;
  readonly target: Pid | string;
  readonly ref: Ref;
}

/** `demonitor(Ref)`. */
export interface DemonitorFrame {
  readonly t: 'demonitor';
  readonly from: Pid;
  readonly target: Pid | string;
  readonly ref: Ref;
}

/** The DOWN message of a monitor; `from` is the name when the monitor was by name. */
export interface DownFrame {
  readonly t: 'down';
  readonly from: Pid | string;
  readonly to: Pid;
  readonly ref: Ref;
  readonly reason: ExitReason;
}

/** Keeps an idle connection alive (Erlang's net tick). */
export interface TickFrame {
  readonly t: 'tick';
}

/** The visible nodes the sender is connected to, so the receiver can complete the mesh. */
export interface PeersFrame {
  readonly t: 'peers';
  readonly nodes: readonly string[];
}

/** Spawn `fn` (a name registered for remote spawn, never a closure) on the receiving node. */
export interface SpawnRequestFrame {
  readonly t: 'spawn_request';
  readonly ref: Ref;
  readonly from: Pid;
  readonly fn: string;
  readonly args: readonly unknown[];
  readonly link?: boolean;
  readonly monitor?: boolean;
}

/** The answer to a spawn_request: the new pid, or why it could not be spawned. */
export interface SpawnReplyFrame {
  readonly t: 'spawn_reply';
  readonly ref: Ref;
  readonly to: Pid;
  readonly result: Pid | { readonly error: string };
}

/**
 * One piece of an encoded frame too big to send at once. Fragments of one message share
 * `id`, count `seq` from 0 and end with `last`; frames of other messages may come between.
 * The first fragment may say how many bytes the whole message has (`total`), so the
 * receiver can collect it in one buffer as it arrives.
 */
export interface FragmentFrame {
  readonly t: 'fragment';
  readonly id: number;
  readonly seq: number;
  readonly last: boolean;
  readonly chunk: Buffer;
  readonly total?: number;
}

/** The frames of an established connection. */
export type ConnectionFrame =
  | SendFrame
  | SendNamedFrame
  | LinkFrame
  | UnlinkFrame
  | ExitFrame
  | Exit2Frame
  | MonitorFrame
  | DemonitorFrame
  | DownFrame
  | TickFrame
  | PeersFrame
  | SpawnRequestFrame
  | SpawnReplyFrame
  | FragmentFrame;

/** Every frame of the protocol. */
export type Frame = HandshakeFrame | ConnectionFrame;

/** The tag of every frame kind. */
export type FrameTag = Frame['t'];

// A field check returns undefined when the value is fine, or what was expected.
type Check = (value: unknown) => string | undefined;
interface Field {
  readonly check: Check;
  readonly optional: boolean;
}
type Schema = Readonly<Record<string, Field>>;

const must = (check: Check): Field => ({ check, optional: false });
const may = (check: Check): Field => ({ check, optional: true });
const when = (ok: (value: unknown) => boolean, expected: string): Check => (value) =>
  ok(value) ? undefined : expected;

const anyValue: Check = () => undefined;
const pid = when(isPid, 'a Pid');
const ref = when(isRef, 'a Ref');
const bool = when((v) => typeof v === 'boolean', 'a boolean');
const text = when((v) => typeof v === 'string', 'a string');
const name = when((v) => typeof v === 'string' && v.length > 0, 'a non-empty string');
const pidOrAlias = when((v) => isPid(v) || isRef(v), 'a Pid or an alias Ref');
const pidOrName = when((v) => isPid(v) || (typeof v === 'string' && v.length > 0), 'a Pid or a name');
const reason = when(isExitReason, 'an exit reason (a string or an object with a string kind)');
const count = when((v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a non-negative integer');
const uint32 = when(
  (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff,
  'an unsigned 32-bit integer',
);
const bytes = when((v) => v instanceof Uint8Array, 'bytes');
const challenge = when(
  (v) => v instanceof Uint8Array && v.length === CHALLENGE_BYTES,
  `${CHALLENGE_BYTES} bytes`,
);
const flags = when(
  (v) => isRecord(v) && typeof v['hidden'] === 'boolean',
  'flags ({hidden: boolean})',
);
const status = when(
  (v) => v === 'ok' || v === 'ok_simultaneous' || v === 'nok' || v === 'not_allowed' || v === 'alive',
  "one of 'ok', 'ok_simultaneous', 'nok', 'not_allowed', 'alive'",
);
const names = when((v) => Array.isArray(v) && v.every((n) => typeof n === 'string'), 'an array of strings');
const list = when(Array.isArray, 'an array');
const spawnResult = when(
  (v) => isPid(v) || (isRecord(v) && typeof v['error'] === 'string'),
  'a Pid or {error: string}',
);

const schemas: { readonly [T in FrameTag]: Schema } = {
  hs_name: { version: must(uint32), name: must(name), flags: must(flags), creation: must(uint32) },
  hs_status: { status: must(status), reason: may(text) },
  hs_alive_answer: { proceed: must(bool) },
  hs_challenge: {
    version: must(uint32),
    name: must(name),
    flags: must(flags),
    creation: must(uint32),
    challenge: must(challenge),
  },
  hs_challenge_reply: { challenge: must(challenge), digest: must(bytes) },
  hs_challenge_ack: { digest: must(bytes) },
  hs_reject: { code: must(text), reason: must(text) },
  send: { from: may(pid), to: must(pidOrAlias), message: must(anyValue) },
  send_named: { from: may(pid), name: must(name), message: must(anyValue) },
  link: { from: must(pid), to: must(pid) },
  unlink: { from: must(pid), to: must(pid), id: may(count) },
  exit: { from: must(pid), to: must(pid), reason: must(reason) },
  exit2: { from: must(pid), to: must(pid), reason: must(reason) },
  monitor: { from: must(pid), target: must(pidOrName), ref: must(ref) },
  demonitor: { from: must(pid), target: must(pidOrName), ref: must(ref) },
  down: { from: must(pidOrName), to: must(pid), ref: must(ref), reason: must(reason) },
  tick: {},
  peers: { nodes: must(names) },
  spawn_request: {
    ref: must(ref),
    from: must(pid),
    fn: must(name),
    args: must(list),
    link: may(bool),
    monitor: may(bool),
  },
  spawn_reply: { ref: must(ref), to: must(pid), result: must(spawnResult) },
  fragment: { id: must(count), seq: must(count), last: must(bool), chunk: must(bytes), total: may(count) },
};

const HANDSHAKE_TAGS: ReadonlySet<string> = new Set<FrameTag>([
  'hs_name',
  'hs_status',
  'hs_alive_answer',
  'hs_challenge',
  'hs_challenge_reply',
  'hs_challenge_ack',
  'hs_reject',
]);

/** True for the frames of the handshake phase (`hs_*`). */
export function isHandshakeFrame(frame: Frame): frame is HandshakeFrame {
  return HANDSHAKE_TAGS.has(frame.t);
}

/**
 * Checks that a decoded value is a well-formed {@link Frame} and returns it unchanged.
 * Unknown extra fields are ignored (a newer peer may add optional ones); a present
 * optional field must still have the right type; `undefined` counts as absent.
 * @throws ProtocolError `bad_frame`, naming the frame kind and the field at fault.
 */
export function parseFrame(value: unknown): Frame {
  if (!isRecord(value)) throw new ProtocolError('bad_frame', `a frame must be an object, got ${describe(value)}`);
  const tag = value['t'];
  if (typeof tag !== 'string') throw new ProtocolError('bad_frame', `a frame needs a string tag 't', got ${describe(tag)}`);
  if (!Object.hasOwn(schemas, tag)) throw new ProtocolError('bad_frame', `unknown frame type '${tag}'`);
  const schema = schemas[tag as FrameTag];
  for (const field in schema) {
    const { check, optional } = schema[field]!;
    const present = Object.hasOwn(value, field);
    const fieldValue = value[field];
    if (!present || (fieldValue === undefined && optional)) {
      if (optional) continue;
      throw new ProtocolError('bad_frame', `${tag} frame: missing field '${field}'`);
    }
    const expected = check(fieldValue);
    if (expected !== undefined) {
      throw new ProtocolError('bad_frame', `${tag} frame: field '${field}' must be ${expected}, got ${describe(fieldValue)}`);
    }
  }
  return value as unknown as Frame;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

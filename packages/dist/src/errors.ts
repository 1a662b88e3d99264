// Errors the distribution layer throws, each with a stable `code` for callers to branch on.
// Messages are for humans; callers branch on `code` (and the structured fields), never on text.
import { type ExitReason, formatReason } from '@troupe/runtime';

/** What was wrong with bytes that arrived from a peer. */
export type ProtocolErrorCode =
  /** A decoded value is not a well-formed frame (unknown `t`, missing or ill-typed field). */
  | 'bad_frame'
  /** The bytes of a frame are not a valid payload (not msgpack, bad extension data, trailing bytes). */
  | 'bad_payload'
  /** A fragment arrived out of order, for an unknown message, or beyond the fragment limits. */
  | 'bad_fragment';

/**
 * A peer sent something this protocol does not allow. The connection that read it
 * must be closed: after a protocol error the byte stream can no longer be trusted.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A value cannot be sent to another node: it holds a function or a symbol (closures
 * cannot travel), or msgpack cannot represent it. Raised on the sending side, before
 * any byte is written, so the connection stays usable.
 */
export class EncodeError extends Error {
  readonly code = 'unencodable';
  override readonly name = 'EncodeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A frame (or a message being reassembled from fragments) is larger than the
 * configured maximum. Detected from the length prefix, before the body is buffered.
 */
export class FrameTooLargeError extends Error {
  readonly code = 'frame_too_large';
  override readonly name = 'FrameTooLargeError';
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`frame of ${size} bytes exceeds the maximum of ${maxBytes} bytes`);
  }
}

/** Why a handshake failed. */
export type HandshakeErrorCode =
  /** The peer could not prove knowledge of our cookie, or rejected our proof. */
  | 'bad_cookie'
  /** The peers speak different protocol versions. */
  | 'version_mismatch'
  /** The acceptor refused the connection (`nok`, `not_allowed`, or a declined `alive`); see `status`. */
  | 'refused'
  /** A frame arrived that is not the next handshake step (any connection frame included). */
  | 'unexpected_frame'
  /** Bytes that are not a valid handshake frame, or a frame above the handshake size limit. */
  | 'bad_frame'
  /** The dialed node answered with another name than the one we meant to reach. */
  | 'wrong_node'
  /** The handshake did not complete within `handshakeTimeoutMs`. */
  | 'timeout'
  /** The socket closed or failed before the handshake completed. */
  | 'closed';

/**
 * A distribution handshake failed (Erlang's dist_util shutting the connection down).
 * The socket is closed by the time this is raised.
 */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  constructor(
    readonly code: HandshakeErrorCode,
    message: string,
    readonly details: {
      /** The peer's node name, when it was known before the failure. */
      readonly peerName?: string;
      /** For `refused`: the status the acceptor sent (`nok`, `not_allowed`, `alive`). */
      readonly status?: string;
      /** True when the peer reported the failure (an `hs_reject` frame) rather than us detecting it. */
      readonly byPeer?: boolean;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** A dial did not connect within its timeout. */
export class DialTimeoutError extends Error {
  readonly code = 'dial_timeout';
  override readonly name = 'DialTimeoutError';
  constructor(
    readonly host: string,
    readonly port: number,
    readonly timeoutMs: number,
  ) {
    super(`dial ${host}:${port} did not connect within ${timeoutMs} ms`);
  }
}

/** Why a port mapper (epmd) request failed. */
export type PortMapperErrorCode =
  /** Nothing answers at the port mapper's address. */
  | 'unreachable'
  /** The port mapper refused the registration (the name is taken by a live node). */
  | 'register_failed'
  /** The answer does not follow the epmd protocol. */
  | 'bad_response'
  /** The port mapper did not answer within the request timeout. */
  | 'timeout';

/** A request to the port mapper (Erlang's epmd) failed. */
export class PortMapperError extends Error {
  override readonly name = 'PortMapperError';
  constructor(
    readonly code: PortMapperErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A node could not be reached: no address for its name, nothing listening there, or a
 * failed handshake (Erlang's `net_kernel:connect_node/1` returning false).
 */
export class NodeUnreachableError extends Error {
  readonly code = 'node_unreachable';
  override readonly name = 'NodeUnreachableError';
  constructor(
    readonly node: string,
    /** Why, as a short code: `not_registered`, `no_address`, `ECONNREFUSED`, a HandshakeErrorCode, `shutdown`… */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot connect to ${node}: ${reason}`, options);
  }
}

/** The distribution layer was stopped (or is stopping); the operation cannot be served. */
export class DistributionStoppedError extends Error {
  readonly code = 'distribution_stopped';
  override readonly name = 'DistributionStoppedError';
  constructor(operation: string) {
    super(`${operation}: distribution has been stopped`);
  }
}

/** The cookie file exists but cannot be used (readable by others, empty, unreadable). */
export class CookieFileError extends Error {
  readonly code = 'bad_cookie_file';
  override readonly name = 'CookieFileError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cookie file ${path}: ${message}`, options);
  }
}

/**
 * A remote spawn did not produce a process (Erlang's `spawn_request` answered with an
 * error): `undef` when no function of that name is registered there, `noconnection`
 * when the node could not be reached or went down before answering.
 */
export class RemoteSpawnError extends Error {
  readonly code = 'spawn_failed';
  override readonly name = 'RemoteSpawnError';
  constructor(
    readonly node: string,
    readonly fn: string,
    readonly reason: string,
  ) {
    super(`spawn of '${fn}' on ${node} failed: ${reason}`);
  }
}

/** `rpc.call`: the remote function threw (erpc's `{exception, Reason}`); `exception` is what it threw. */
export class RpcExceptionError extends Error {
  readonly code = 'rpc_exception';
  override readonly name = 'RpcExceptionError';
  constructor(
    readonly node: string,
    readonly fn: string,
    readonly exception: unknown,
  ) {
    const what = exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
    super(`rpc ${fn} on ${node} threw ${what}`, { cause: exception });
  }
}

/**
 * `rpc.call`: no result came back because the remote process ended without one, or
 * could not run (erpc's `{exit, Reason}` and `{erpc, noconnection}`). `reason` is the
 * exit reason: `noconnection` when the node is unreachable or went down, `{kind: 'undef'}`
 * when no function of that name is registered there, `killed`, …
 */
export class RpcExitError extends Error {
  readonly code = 'rpc_exit';
  override readonly name = 'RpcExitError';
  constructor(
    readonly node: string,
    readonly fn: string,
    readonly reason: ExitReason,
  ) {
    super(`rpc ${fn} on ${node} exited: ${formatReason(reason)}`);
  }
}

/** `rpc.call`: no answer within the timeout (erpc's `{erpc, timeout}`); the remote process is killed. */
export class RpcTimeoutError extends Error {
  readonly code = 'rpc_timeout';
  override readonly name = 'RpcTimeoutError';
  constructor(
    readonly node: string,
    readonly fn: string,
    readonly timeoutMs: number,
  ) {
    super(`rpc ${fn} on ${node} timed out after ${timeoutMs} ms`);
  }
}

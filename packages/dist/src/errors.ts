// Errors the distribution layer throws, each with a stable `code` for callers to branch on.
// Messages are for humans; callers branch on `code` (and the structured fields), never on text.

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

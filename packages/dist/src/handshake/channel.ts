// HandshakeChannel: reads and writes handshake frames on a socket until the handshake
// completes (handing the stream over intact) or fails (closing it exactly once).
import type { Duplex } from 'node:stream';
import { NO_NODE, NodeTable } from '@troupe/runtime';
import { FrameTooLargeError, HandshakeError, type HandshakeErrorCode, ProtocolError } from '../errors.js';
import { Codec } from '../wire/codec.js';
import { type Frame, type HandshakeFrame, isHandshakeFrame } from '../wire/frame.js';
import { FrameDecoder, encodeFramed } from '../wire/framing.js';

/** Largest handshake frame accepted. Handshake frames are tiny; an unauthenticated peer gets no more. */
export const HANDSHAKE_MAX_FRAME_BYTES = 4 * 1024;

/** Where the handshake arms its timeout; runtime's `Clock` fits (Erlang's dist_util timer). */
export interface HandshakeClock {
  setTimer(delayMs: number, fire: () => void): unknown;
  cancelTimer(timer: unknown): void;
}

/** The clock of Node's own timers. */
export const nodeClock: HandshakeClock = {
  setTimer: (delayMs, fire) => setTimeout(fire, delayMs),
  cancelTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

const PEER_CODES: ReadonlySet<string> = new Set<HandshakeErrorCode>([
  'bad_cookie',
  'version_mismatch',
  'refused',
  'unexpected_frame',
  'bad_frame',
  'wrong_node',
  'timeout',
]);

type Waiter = { resolve: (frame: Frame) => void; reject: (error: unknown) => void };

/**
 * One socket during its handshake. Failure is sticky: the first failure closes the
 * socket, rejects the pending read, and every later read rejects with that same error,
 * so a handshake script can always end with `throw channel.fail(error)`.
 */
export class HandshakeChannel {
  /** The peer's name once known, for error details and log lines. */
  peerName: string | undefined;
  readonly #socket: Duplex;
  readonly #clock: HandshakeClock;
  readonly #decoder = new FrameDecoder({ maxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES });
  // A scratch table: a pid in a pre-handshake frame is interned here and dropped with
  // the channel, so an unauthenticated peer cannot grow the runtime's node table.
  readonly #codec = new Codec(new NodeTable(NO_NODE, 0));
  readonly #timer: unknown;
  #waiter: Waiter | undefined;
  #failure: unknown;
  #failed = false;
  #eof: { cause?: unknown } | undefined;
  #failedSignal: Promise<never> | undefined;
  #rejectFailedSignal: ((error: unknown) => void) | undefined;
  readonly #onData = (chunk: Buffer) => this.#received(chunk);
  readonly #onEnd = () => this.#endOfStream();
  readonly #onClose = () => this.#endOfStream();
  readonly #onError = (error: Error) => this.#endOfStream(error);

  constructor(socket: Duplex, timeoutMs: number, clock: HandshakeClock) {
    this.#socket = socket;
    this.#clock = clock;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
    socket.on('error', this.#onError);
    socket.resume();
    this.#timer = clock.setTimer(timeoutMs, () => {
      this.fail(this.error('timeout', `handshake did not complete within ${timeoutMs} ms`));
    });
    if (socket.destroyed) this.#endOfStream();
  }

  /** A HandshakeError carrying the peer's name when known. */
  error(code: HandshakeErrorCode, message: string, details: { status?: string; byPeer?: boolean; cause?: unknown } = {}) {
    return new HandshakeError(code, message, { ...details, ...(this.peerName === undefined ? {} : { peerName: this.peerName }) });
  }

  /** Writes one handshake frame; a no-op once the channel has failed. */
  send(frame: HandshakeFrame): void {
    if (this.#failed) return;
    this.#socket.write(encodeFramed(this.#codec, frame));
  }

  /**
   * The next frame, which must be `tag`. Anything else fails the channel: an `hs_reject`
   * with the peer's reason, any other frame with `unexpected_frame`, bad bytes with `bad_frame`.
   */
  async receive<T extends HandshakeFrame['t']>(tag: T): Promise<Extract<HandshakeFrame, { t: T }>> {
    const frame = await this.#nextFrame();
    if (frame.t === tag) return frame as Extract<HandshakeFrame, { t: T }>;
    if (frame.t === 'hs_reject') {
      const code = PEER_CODES.has(frame.code) ? (frame.code as HandshakeErrorCode) : 'refused';
      throw this.fail(this.error(code, `rejected by the peer: ${frame.code}: ${frame.reason}`, { byPeer: true }));
    }
    const what = isHandshakeFrame(frame) ? `handshake frame '${frame.t}'` : `connection frame '${frame.t}'`;
    throw this.reject('unexpected_frame', `expected '${tag}', got ${what}`);
  }

  /** Races `promise` (a caller's callback) against the channel failing, e.g. by timeout. */
  guard<T>(promise: T | Promise<T>): Promise<T> {
    if (this.#failedSignal === undefined) {
      this.#failedSignal = new Promise<never>((_resolve, reject) => {
        this.#rejectFailedSignal = reject;
        if (this.#failed) reject(this.#failure);
      });
      this.#failedSignal.catch(() => {}); // observed through the race below only
    }
    return Promise.race([Promise.resolve(promise), this.#failedSignal]);
  }

  /**
   * Fails the handshake with `code`: tells the peer why in an `hs_reject` frame, then
   * closes once it is written. Returns the error to throw.
   */
  reject(code: HandshakeErrorCode, message: string, details: { status?: string } = {}): unknown {
    return this.#failWith(this.error(code, message, details), { code, reason: message });
  }

  /** Fails the handshake after the frames already written are flushed (e.g. a refusing status). */
  close(error: HandshakeError): unknown {
    return this.#failWith(error, undefined);
  }

  /** Fails the handshake now, destroying the socket. Returns the first failure. */
  fail(error: unknown): unknown {
    if (!this.#failed) {
      this.#markFailed(error);
      this.#socket.destroy();
    }
    return this.#failure;
  }

  /**
   * Ends the handshake successfully: stops the timer, detaches from the socket and
   * pauses it, and returns the bytes read past the last handshake frame.
   */
  complete(): Buffer {
    if (this.#failed) throw this.#failure;
    this.#clock.cancelTimer(this.#timer);
    // Pause before removing the data listener: a flowing stream without one drops bytes.
    this.#socket.pause();
    this.#detach();
    return this.#decoder.takeBuffered();
  }

  #failWith(error: HandshakeError, reject: { code: string; reason: string } | undefined): unknown {
    if (this.#failed) return this.#failure;
    const last = reject === undefined ? undefined : encodeFramed(this.#codec, { t: 'hs_reject', ...reject });
    this.#markFailed(error);
    const socket = this.#socket;
    if (socket.destroyed || socket.writableEnded) socket.destroy();
    else socket.end(last, () => socket.destroy());
    return error;
  }

  #markFailed(error: unknown): void {
    this.#failed = true;
    this.#failure = error;
    this.#clock.cancelTimer(this.#timer);
    this.#detach();
    // The socket may still report an error while it closes; nobody else listens anymore.
    this.#socket.on('error', () => {});
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
    this.#rejectFailedSignal?.(error);
  }

  #detach(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('close', this.#onClose);
    this.#socket.off('error', this.#onError);
  }

  #nextFrame(): Promise<Frame> {
    if (this.#failed) return Promise.reject(this.#failure);
    if (this.#waiter !== undefined) return Promise.reject(new Error('HandshakeChannel: a receive is already waiting'));
    return new Promise<Frame>((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#deliver();
    });
  }

  #received(chunk: Buffer): void {
    try {
      this.#decoder.push(chunk);
    } catch (error) {
      this.#badBytes(error);
      return;
    }
    this.#deliver();
  }

  #endOfStream(cause?: unknown): void {
    this.#eof ??= cause === undefined ? {} : { cause };
    this.#deliver();
  }

  // Hands the next decoded frame to the waiting receive, or fails the channel when the
  // stream has ended and no complete frame is left.
  #deliver(): void {
    if (this.#failed || this.#waiter === undefined) return;
    let frame: Frame | undefined;
    try {
      const payload = this.#decoder.next();
      if (payload !== undefined) frame = this.#codec.decodeFrame(payload);
    } catch (error) {
      this.#badBytes(error);
      return;
    }
    if (frame !== undefined) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve(frame);
    } else if (this.#eof !== undefined) {
      const cause = this.#eof.cause;
      this.fail(this.error('closed', 'the connection closed during the handshake', cause === undefined ? {} : { cause }));
    }
  }

  #badBytes(error: unknown): void {
    if (error instanceof FrameTooLargeError || error instanceof ProtocolError) {
      this.reject('bad_frame', `invalid handshake frame: ${error.message}`);
    } else {
      this.fail(error);
    }
  }
}

// Connection: one established peer — frames in (cut, decode, reassemble, deliver), frames
// out (through its SendQueue), net ticks, and closing exactly once with a reason.
import type { Duplex } from 'node:stream';
import { FrameTooLargeError, ProtocolError, type ProtocolErrorCode } from '../errors.js';
import type { Codec } from '../wire/codec.js';
import { FRAGMENT_HEADER_BYTES, readFragmentHeader } from '../wire/compact.js';
import { type ConnectionFrame, type Frame, isHandshakeFrame } from '../wire/frame.js';
import { Reassembler } from '../wire/fragments.js';
import { FrameDecoder } from '../wire/framing.js';
import { Heartbeat, type HeartbeatClock } from './heartbeat.js';
import type { SendQueue } from './send-queue.js';

// Fragments at least this big have their chunk taken from the socket's chunks straight
// into the message being reassembled (no frame buffer in between).
const STREAM_MIN_BYTES = 1024;

/**
 * Why a connection closed (Erlang's nodedown reasons, plus what was wrong with the
 * peer's bytes): the socket closed or failed, the peer stopped ticking, we disconnected,
 * distribution stopped, a restarted peer replaced it, or the peer sent bad input.
 */
export type CloseReason =
  | 'connection_closed'
  | 'net_tick_timeout'
  | 'disconnect'
  | 'shutdown'
  | 'replaced'
  | ProtocolErrorCode
  | 'frame_too_large'
  | 'internal_error';

/** What a connection reports to its owner: the narrow interface between it and the node. */
export interface ConnectionHandler {
  /** A frame from the peer (never a tick, a fragment or a handshake frame). */
  frame(frame: ConnectionFrame): void;
  /** The connection is closed; called once. `error` holds the detail of bad input. */
  closed(reason: CloseReason, error: Error | undefined): void;
}

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  readonly peerName: string;
  /** The stream a handshake returned: paused, with no listeners. */
  readonly socket: Duplex;
  /** Bytes the handshake read past its last frame; they are the first frames. */
  readonly buffered: Buffer;
  readonly codec: Codec;
  /** The output queue (it may already hold frames queued while connecting). */
  readonly queue: SendQueue;
  readonly clock: HeartbeatClock;
  /** Erlang's net_ticktime. */
  readonly tickTimeMs: number;
  /** Largest message accepted, whole or reassembled from fragments. */
  readonly maxMessageBytes: number;
  readonly handler: ConnectionHandler;
}

/**
 * An established connection. It owns its socket from construction (an `'error'`
 * listener is attached at once); {@link start} begins reading and writing once the
 * owner has recorded it, so no frame is delivered before the owner can route it.
 *
 * Bad input — a frame over the size limit, undecodable bytes, an unknown or ill-formed
 * frame, a handshake frame after the handshake, broken fragments — closes the
 * connection with the matching reason; nothing else is affected.
 *
 * Everything crossing to the node goes through `send` and the {@link ConnectionHandler}:
 * frames and a close reason, no shared state, so the connection could move to a worker.
 */
export class Connection {
  readonly peerName: string;
  readonly queue: SendQueue;
  readonly #socket: Duplex;
  readonly #codec: Codec;
  readonly #handler: ConnectionHandler;
  readonly #decoder: FrameDecoder;
  readonly #reassembler: Reassembler;
  readonly #heartbeat: Heartbeat;
  #buffered: Buffer | undefined;
  // The fragment whose chunk is being copied into its message (see #stream).
  #streaming: Streaming | undefined;
  #bytesRead = 0;
  #closed = false;
  #started = false;
  readonly #onData = (chunk: Buffer) => this.#received(chunk);
  readonly #onClose = () => this.close('connection_closed');

  constructor(options: ConnectionOptions) {
    this.peerName = options.peerName;
    this.queue = options.queue;
    this.#socket = options.socket;
    this.#codec = options.codec;
    this.#handler = options.handler;
    this.#buffered = options.buffered;
    // No single frame may be bigger than a whole message (senders fragment far below that).
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxMessageBytes });
    this.#reassembler = new Reassembler({ maxBytes: options.maxMessageBytes });
    this.#heartbeat = new Heartbeat({
      clock: options.clock,
      tickTimeMs: options.tickTimeMs,
      bytesRead: () => this.#bytesRead,
      bytesWritten: () => this.queue.bytesWritten,
      tick: () => this.queue.push(TICK, undefined, true),
      timeout: () => this.close('net_tick_timeout'),
    });
    // The socket errors are reported through 'close'; this listener must exist from now on.
    this.#socket.on('error', () => {});
    this.#socket.on('close', this.#onClose);
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Starts reading (the handshake's leftover bytes first), writing and ticking. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    const buffered = this.#buffered;
    this.#buffered = undefined;
    if (buffered !== undefined && buffered.length > 0) this.#received(buffered);
    if (this.#closed) return;
    if (this.#socket.destroyed) {
      this.close('connection_closed');
      return;
    }
    this.#socket.on('data', this.#onData);
    this.#socket.resume();
    this.queue.attach(this.#socket);
    this.#heartbeat.start();
  }

  /**
   * Queues `frame` for the peer: see {@link SendQueue.push} for `sender` and `control`.
   * @throws EncodeError / FrameTooLargeError for a frame that cannot travel.
   */
  send(frame: ConnectionFrame, sender: string | undefined, control: boolean): void {
    this.queue.push(frame, sender, control);
  }

  /** Closes now (queued frames are dropped) and reports `reason` to the handler, once. */
  close(reason: CloseReason, error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#heartbeat.stop();
    this.queue.close();
    this.#reassembler.clear();
    this.#streaming = undefined;
    this.#socket.off('data', this.#onData);
    this.#socket.off('close', this.#onClose);
    this.#socket.destroy();
    this.#handler.closed(reason, error);
  }

  #received(chunk: Buffer): void {
    if (this.#closed) return;
    this.#bytesRead += chunk.length;
    const decoder = this.#decoder;
    try {
      decoder.push(chunk);
      while (!this.#closed) {
        if (this.#streaming !== undefined || decoder.frontLength() >= STREAM_MIN_BYTES) {
          const progress = this.#stream();
          if (progress === 'wait') return;
          if (progress === 'done') continue;
        }
        if (!decoder.nextPayload()) return;
        this.#deliver(this.#codec.decodeFrameAt(decoder.source, decoder.start, decoder.end, decoder.owned));
      }
    } catch (error) {
      if (error instanceof ProtocolError) this.close(error.code, error);
      else if (error instanceof FrameTooLargeError) this.close('frame_too_large', error);
      else this.close('internal_error', error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Streams a big fragment: once its header is in, its chunk is copied from the socket's
   * chunks straight into the message being reassembled, as the bytes come. 'wait' for
   * more bytes, 'done' when a fragment (or a piece of it) was consumed, 'frame' when the
   * front frame is not a fragment that can stream (it is then decoded whole).
   */
  #stream(): 'wait' | 'done' | 'frame' {
    const decoder = this.#decoder;
    let streaming = this.#streaming;
    if (streaming === undefined) {
      const header = decoder.peekPayload(FRAGMENT_HEADER_BYTES);
      if (header === undefined) return 'wait';
      const fragment = readFragmentHeader(header, 0);
      if (fragment === undefined) return 'frame';
      const { id, seq, last, total } = fragment;
      const length = decoder.frontLength() - FRAGMENT_HEADER_BYTES;
      const slot = this.#reassembler.slot(id, seq, last, length, total);
      if (slot === undefined) return 'frame';
      decoder.skipHeader(FRAGMENT_HEADER_BYTES);
      streaming = slot.buffer !== undefined
        ? { id, last, buffer: slot.buffer, chunks: undefined, offset: slot.offset }
        : { id, last, buffer: undefined, chunks: slot.chunks, offset: 0 };
      this.#streaming = streaming;
    }
    if (streaming.buffer !== undefined) streaming.offset += decoder.readBody(streaming.buffer, streaming.offset);
    else decoder.readBodyViews(streaming.chunks!);
    if (decoder.bodyLeft > 0) return 'wait';
    this.#streaming = undefined;
    const whole = this.#reassembler.finish(streaming.id, streaming.last);
    if (whole !== undefined) this.#deliverWhole(whole, true);
    return 'done';
  }

  #deliver(frame: Frame): void {
    const t = frame.t;
    // Messages first: almost every frame is one.
    if (t === 'send' || t === 'send_named') return this.#handler.frame(frame);
    if (t === 'tick') return;
    if (frame.t === 'fragment') {
      const whole = this.#reassembler.accept(frame);
      // A reassembled message is a buffer of its own; a message in one fragment is its chunk.
      if (whole !== undefined) this.#deliverWhole(whole, whole !== frame.chunk);
      return;
    }
    if (isHandshakeFrame(frame)) throw new ProtocolError('bad_frame', `handshake frame '${frame.t}' after the handshake`);
    this.#handler.frame(frame);
  }

  #deliverWhole(whole: Buffer, owned: boolean): void {
    const inner = this.#codec.decodeFrameAt(whole, 0, whole.length, owned);
    if (inner.t === 'fragment' || inner.t === 'tick') {
      throw new ProtocolError('bad_fragment', `a fragmented message holds a '${inner.t}' frame`);
    }
    if (isHandshakeFrame(inner)) throw new ProtocolError('bad_frame', `handshake frame '${inner.t}' after the handshake`);
    this.#handler.frame(inner);
  }
}

const TICK: ConnectionFrame = { t: 'tick' };

// A fragment being streamed: its bytes go into `buffer` from `offset`, or onto `chunks`.
interface Streaming {
  readonly id: number;
  readonly last: boolean;
  readonly buffer: Buffer | undefined;
  readonly chunks: Buffer[] | undefined;
  offset: number;
}

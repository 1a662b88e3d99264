// A connection's output buffer: control frames ahead of bulk data, big payloads as interleaved
// fragments, order kept per sender, and a high-water mark that makes the connection busy.
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import type { Codec } from '../wire/codec.js';
import type { ConnectionFrame } from '../wire/frame.js';
import { DEFAULT_FRAGMENT_BYTES, DEFAULT_MAX_REASSEMBLY_BYTES } from '../wire/fragments.js';
import { LENGTH_PREFIX_BYTES, encodeFramed } from '../wire/framing.js';

/** Default bytes queued before a connection is busy (Erlang's `dist_buf_busy_limit`, 1 MiB). */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/** Options of a {@link SendQueue}. */
export interface SendQueueOptions {
  /** Encodes frames (once, when they are queued). */
  readonly codec: Codec;
  /** Queued bytes above which the queue is busy; it drains at half of it. */
  readonly highWaterMark?: number;
  /** Payloads larger than this travel as fragments of this size. */
  readonly fragmentBytes?: number;
  /** Largest message accepted (the peer's reassembly bound); larger ones throw FrameTooLargeError. */
  readonly maxMessageBytes?: number;
}

/** The events of a {@link SendQueue}. */
export interface SendQueueEvents {
  /** Queued bytes went above the high-water mark (Erlang's busy dist port). */
  busy: () => void;
  /** Queued bytes fell to half the mark, or the queue closed: suspended senders may go on. */
  drain: () => void;
}

// A payload too big for one frame, written one fragment at a time.
interface Fragmented {
  readonly payload: Buffer;
  readonly id: number;
  offset: number;
  seq: number;
}

// One queued frame (or fragmented payload) and the sender whose order it must keep.
interface Entry {
  readonly sender: string;
  readonly item: Buffer | Fragmented;
}

/**
 * Frames waiting for one socket, in two lanes:
 *
 * - control: small signals (ticks, links, monitors, exits, DOWNs) from a sender with
 *   nothing queued. Written first at every flush, whatever the data lane holds.
 * - data: one FIFO in send order (as the BEAM's dist output queue), except that a
 *   payload above `fragmentBytes` is cut into fragments which interleave with the frames
 *   queued after it — so a big message never holds up other senders or a tick.
 *
 * Invariant (Erlang's per-pair order): a frame never overtakes an earlier frame of the
 * same sender. A signal whose sender has anything queued joins the FIFO instead of the
 * control lane; while a sender's fragmented message is in flight, its later frames are
 * parked and resume, in order, ahead of the rest of the FIFO once the last piece is out.
 *
 * Writes are batched: one flush per event-loop turn, corked, and the socket's own buffer
 * is never filled past ~4 fragments of data, so a tick waits behind at most that much.
 * Frames queued before {@link attach} wait for the socket (a connection being set up).
 */
export class SendQueue extends EventEmitter<SendQueueEvents> {
  readonly highWaterMark: number;
  readonly fragmentBytes: number;
  readonly maxMessageBytes: number;
  readonly #codec: Codec;
  readonly #socketAheadBytes: number;
  #control: Buffer[] = [];
  #fifo: Entry[] = [];
  #head = 0;
  // Parked entries released by a finished fragmented message: served before the FIFO.
  #ready: Entry[] = [];
  // Fragmented messages in flight (one at most per sender), served round-robin.
  #active: Entry[] = [];
  // Senders with a fragmented message in flight → their later entries, parked in order.
  readonly #parked = new Map<string, Entry[]>();
  // Entries queued per sender (FIFO, ready, parked or in flight): decides a signal's lane.
  readonly #perSender = new Map<string, number>();
  #queuedBytes = 0;
  #bytesWritten = 0;
  #busy = false;
  #closed = false;
  #nextFragmentId = 0;
  #socket: Duplex | undefined;
  #waitingDrain = false;
  #scheduled: NodeJS.Immediate | undefined;
  readonly #onDrain = () => {
    this.#waitingDrain = false;
    this.#schedule();
  };

  constructor(options: SendQueueOptions) {
    super();
    this.#codec = options.codec;
    this.highWaterMark = positive('highWaterMark', options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK);
    this.fragmentBytes = positive('fragmentBytes', options.fragmentBytes ?? DEFAULT_FRAGMENT_BYTES);
    this.maxMessageBytes = positive('maxMessageBytes', options.maxMessageBytes ?? DEFAULT_MAX_REASSEMBLY_BYTES);
    this.#socketAheadBytes = 4 * this.fragmentBytes;
  }

  /** Bytes queued and not yet handed to the socket. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Bytes handed to the socket so far (the heartbeat watches it). */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** True from a `busy` event until the next `drain`. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * Encodes `frame` and queues it. `control` frames go ahead of data unless `sender`
   * (a pid key; undefined for the node itself) still has something queued.
   * @throws EncodeError when the frame holds something that cannot travel.
   * @throws FrameTooLargeError when it encodes to more than `maxMessageBytes`.
   * @returns the bytes queued (0 once closed: the frame is dropped).
   */
  push(frame: ConnectionFrame, sender: string | undefined, control: boolean): number {
    const framed = encodeFramed(this.#codec, frame, this.maxMessageBytes);
    if (this.#closed) return 0;
    const size = framed.length - LENGTH_PREFIX_BYTES;
    if (size <= this.fragmentBytes && control && (sender === undefined || !this.#perSender.has(sender))) {
      this.#control.push(framed);
      this.#queuedBytes += framed.length;
    } else {
      const key = sender ?? '';
      const item: Buffer | Fragmented =
        size <= this.fragmentBytes
          ? framed
          : { payload: framed.subarray(LENGTH_PREFIX_BYTES), id: this.#nextFragmentId++, offset: 0, seq: 0 };
      this.#fifo.push({ sender: key, item });
      this.#perSender.set(key, (this.#perSender.get(key) ?? 0) + 1);
      this.#queuedBytes += Buffer.isBuffer(item) ? item.length : size;
    }
    if (!this.#busy && this.#queuedBytes > this.highWaterMark) {
      this.#busy = true;
      this.emit('busy');
    }
    this.#schedule();
    return framed.length;
  }

  /** Starts writing to `socket` (once the connection is up). */
  attach(socket: Duplex): void {
    if (this.#closed || this.#socket !== undefined) return;
    this.#socket = socket;
    socket.on('drain', this.#onDrain);
    this.#schedule();
  }

  /** Drops everything queued and refuses further frames; a busy queue emits `drain`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#socket?.off('drain', this.#onDrain);
    this.#control = [];
    this.#fifo = [];
    this.#head = 0;
    this.#ready = [];
    this.#active = [];
    this.#parked.clear();
    this.#perSender.clear();
    this.#queuedBytes = 0;
    if (this.#busy) {
      this.#busy = false;
      this.emit('drain');
    }
  }

  get #dataQueued(): boolean {
    return this.#head < this.#fifo.length || this.#ready.length > 0 || this.#active.length > 0;
  }

  #schedule(): void {
    if (this.#socket === undefined || this.#scheduled !== undefined || this.#closed) return;
    if (this.#control.length === 0 && (!this.#dataQueued || this.#waitingDrain)) return;
    this.#scheduled = setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = undefined;
    const socket = this.#socket;
    if (socket === undefined || this.#closed || socket.destroyed) return;
    const limit = Math.max(this.#socketAheadBytes, socket.writableHighWaterMark);
    let written = 0;
    socket.cork();
    for (const framed of this.#control) {
      socket.write(framed);
      written += framed.length;
    }
    this.#queuedBytes -= written;
    this.#control = [];
    while (!this.#waitingDrain && this.#dataQueued && socket.writableLength < limit) {
      // About a fragment's worth of whole frames in FIFO order, then one piece of each
      // message in flight: small messages and big ones share the socket fairly.
      let run = 0;
      while (run < this.fragmentBytes && socket.writableLength < limit) {
        const entry = this.#take();
        if (entry === undefined) break;
        const parked = this.#parked.get(entry.sender);
        if (parked !== undefined) parked.push(entry);
        else if (!Buffer.isBuffer(entry.item)) this.#begin(entry);
        else {
          socket.write(entry.item);
          run += entry.item.length;
          this.#queuedBytes -= entry.item.length;
          this.#done(entry.sender);
        }
      }
      written += run;
      for (const entry of [...this.#active]) written += this.#writeFragment(socket, entry);
    }
    socket.uncork();
    this.#bytesWritten += written;
    if (this.#dataQueued) {
      // writableLength >= limit >= the socket's high-water mark: a write returned false, so 'drain' comes.
      if (socket.writableLength >= limit) this.#waitingDrain = true;
      else this.#schedule();
    }
    if (this.#busy && this.#queuedBytes <= this.highWaterMark / 2) {
      this.#busy = false;
      this.emit('drain');
    }
  }

  // The next entry: released (parked) ones first, then the FIFO.
  #take(): Entry | undefined {
    if (this.#ready.length > 0) return this.#ready.shift();
    if (this.#head === this.#fifo.length) return undefined;
    const entry = this.#fifo[this.#head]!;
    this.#fifo[this.#head++] = undefined as never;
    if (this.#head === this.#fifo.length) {
      this.#fifo = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#fifo.length) {
      this.#fifo = this.#fifo.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }

  #begin(entry: Entry): void {
    this.#parked.set(entry.sender, []);
    this.#active.push(entry);
  }

  #writeFragment(socket: Duplex, entry: Entry): number {
    const item = entry.item as Fragmented;
    const end = Math.min(item.offset + this.fragmentBytes, item.payload.length);
    const last = end === item.payload.length;
    const chunk = item.payload.subarray(item.offset, end);
    const framed = encodeFramed(this.#codec, { t: 'fragment', id: item.id, seq: item.seq, last, chunk }, Infinity);
    socket.write(framed);
    this.#queuedBytes -= chunk.length;
    item.offset = end;
    item.seq++;
    if (last) {
      this.#active.splice(this.#active.indexOf(entry), 1);
      const parked = this.#parked.get(entry.sender) ?? [];
      this.#parked.delete(entry.sender);
      this.#ready.push(...parked);
      this.#done(entry.sender);
    }
    return framed.length;
  }

  #done(sender: string): void {
    const left = (this.#perSender.get(sender) ?? 1) - 1;
    if (left === 0) this.#perSender.delete(sender);
    else this.#perSender.set(sender, left);
  }
}


function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`SendQueue: ${name} must be a positive integer, got ${value}`);
  return value;
}

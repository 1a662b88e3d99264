// A connection's output buffer: control frames ahead of bulk data, big payloads as interleaved
// fragments, order kept per sender, and a high-water mark that makes the connection busy.
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import type { Codec } from '../wire/codec.js';
import { FRAGMENT_HEADER_BYTES, putFragmentHeader } from '../wire/compact.js';
import { NO_ROOM } from '../wire/simple.js';
import type { ConnectionFrame } from '../wire/frame.js';
import { DEFAULT_FRAGMENT_BYTES, DEFAULT_MAX_REASSEMBLY_BYTES } from '../wire/fragments.js';
import { LENGTH_PREFIX_BYTES, encodeFramedParts } from '../wire/framing.js';

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

// A framed frame as encoded: one buffer, or parts (big Buffers of the message left in place).
type Framed = Buffer | Buffer[];

// A payload too big for one frame, written one fragment at a time; its bytes are `parts`
// (views, never copied: each fragment is a header and views of the parts it covers).
class Fragmented {
  part = 0;
  partOffset = 0;
  offset = 0;
  seq = 0;
  constructor(
    readonly parts: Buffer[],
    readonly size: number,
    readonly id: number,
  ) {}
}

// A FIFO item is a frame written straight into a slab (see push) when it is a number:
// the slab's sequence number (mod SLAB_SEQS) times SLAB_SPAN plus the frame's end offset;
// it starts where the slab's previous frame ended. Small integers: no object per frame.
type Item = Framed | Fragmented | number;

// A queued item and the sender whose order it must keep (for the rarer lanes; the FIFO
// itself keeps senders and items in two parallel arrays, without an object per frame).
interface Entry {
  readonly sender: string;
  readonly item: Item;
}

// Frames at most this big are copied into the batch written at a flush; bigger ones (and
// every fragment's chunk) are written from their own memory.
const COPY_MAX_BYTES = 4096;
// Size of the buffers small frames are batched into.
const BATCH_BYTES = 64 * 1024;
// Size of the slabs frames are encoded into (at most SLAB_SPAN - 1).
const SLAB_BYTES = 64 * 1024;
const SLAB_SPAN = 0x20000;
const SLAB_SEQS = 0x2000;
// Bytes queued since the last flush after which a push flushes at once, so a sender that
// queues a lot in one go (without yielding) has its bytes on the wire as it goes.
const EAGER_FLUSH_BYTES = 64 * 1024;
// Most rounds of writing one flush makes (see #flush).
const FLUSH_ROUNDS = 8;
// Microtask flushes go through a resolved native promise (cheaper than queueMicrotask).
const RESOLVED = Promise.resolve();

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
 * Frames are encoded once, when queued: a message with a compact, simple encoding straight
 * into a slab (no buffer or object of its own), anything else into a buffer of its own.
 * Writes are batched: one flush in a microtask once the code running now is done (all
 * processes of a scheduler run share it, and a reply leaves in the event-loop turn of the
 * message that caused it), or as soon as 64 KiB are queued, so a sender that does not
 * yield still streams; what a flush leaves behind waits for the next turn. In a flush,
 * consecutive slab frames go out as one view, other small frames are copied into a batch
 * buffer, and big payloads are written from their own memory (a fragment is a small header
 * and views of the payload), all handed to the socket in one corked write (a writev). The socket's own buffer is
 * never filled past ~4 fragments of data, so a tick waits behind at most that much; while
 * the socket takes everything at once, a flush goes on for a few more such rounds.
 * Frames queued before {@link attach} wait for the socket (a connection being set up).
 */
export class SendQueue extends EventEmitter<SendQueueEvents> {
  readonly highWaterMark: number;
  readonly fragmentBytes: number;
  readonly maxMessageBytes: number;
  readonly #codec: Codec;
  readonly #socketAheadBytes: number;
  #control: Framed[] = [];
  // The FIFO: senders[i] queued items[i]; entries before `head` are gone.
  #senders: string[] = [];
  #items: Item[] = [];
  #head = 0;
  // Parked entries released by a finished fragmented message: served before the FIFO.
  #ready: Entry[] = [];
  // Fragmented messages in flight (one at most per sender), served round-robin.
  #active: Entry[] = [];
  // Senders with a fragmented message in flight → their later entries, parked in order.
  readonly #parked = new Map<string, Entry[]>();
  // Entries queued per sender (FIFO, ready, parked or in flight): decides a signal's lane.
  readonly #perSender = new SenderCounts();
  #queuedBytes = 0;
  // What the high-water mark is compared with: queued bytes, a fragmented message counted
  // as at most `socketAheadBytes` (see push).
  #pressure = 0;
  #bytesWritten = 0;
  #busy = false;
  #closed = false;
  #nextFragmentId = 0;
  // Slabs holding slab frames not yet written, oldest first; frames are appended to the last.
  #slabs: Buffer[] = [Buffer.allocUnsafeSlow(SLAB_BYTES)];
  #slabSeq = 0; // sequence number of the last slab
  #slabEnd = 0; // where the next frame goes in the last slab
  #readSeq = 0; // sequence number of the first slab
  #readAt = 0; // where its next unwritten frame starts
  #frameStart = 0; // where the frame #slabFrame found starts
  #unflushed = 0;
  #socket: Duplex | undefined;
  #waitingDrain = false;
  // A flush is pending: in a microtask (#flushSoon) or on the next event-loop turn (#immediate).
  #scheduled = false;
  #immediate: NodeJS.Immediate | undefined;
  // Microtask flushes pending, and whether the last one scheduled is still wanted: they run
  // in the order scheduled, so only the last may flush (one function for all: no closure each).
  #microtasks = 0;
  #microtaskLive = false;
  readonly #flushMicrotask = () => {
    if (--this.#microtasks === 0 && this.#microtaskLive) this.#flush();
  };
  readonly #batch = new Batch();
  readonly #flushNow = () => {
    this.#immediate = undefined;
    this.#flush();
  };
  readonly #onDrain = () => {
    this.#waitingDrain = false;
    // The socket took everything: refill it now rather than a turn later.
    this.#unschedule();
    this.#flush();
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
   *
   * Towards the high-water mark a fragmented message counts as at most four fragments
   * (until fewer are left): the BEAM feeds a big message's fragments into its queue as
   * the queue drains, so one big message alone never makes the connection busy for
   * every other sender. Several pending big messages still do.
   * Buffers of 16 KiB or more in the frame are not copied: they are written from their
   * own memory when their turn comes, so they must not be changed after the send.
   * @throws EncodeError when the frame holds something that cannot travel.
   * @throws FrameTooLargeError when it encodes to more than `maxMessageBytes`.
   * @returns the bytes queued (0 once closed: the frame is dropped).
   */
  push(frame: ConnectionFrame, sender: string | undefined, control: boolean): number {
    if (!control && (frame.t === 'send' || frame.t === 'send_named') && !this.#closed) {
      const length = this.#pushToSlab(frame, sender ?? '');
      if (length > 0) return length;
    }
    const framed = encodeFramedParts(this.#codec, frame, this.maxMessageBytes);
    if (this.#closed) return 0;
    const length = Buffer.isBuffer(framed) ? framed.length : totalLength(framed);
    const size = length - LENGTH_PREFIX_BYTES;
    if (size <= this.fragmentBytes && control && (sender === undefined || !this.#perSender.has(sender))) {
      this.#control.push(framed);
      this.#queuedBytes += length;
      this.#pressure += length;
    } else {
      const key = sender ?? '';
      if (size <= this.fragmentBytes) {
        this.#items.push(framed);
        this.#queuedBytes += length;
        this.#pressure += length;
      } else {
        this.#items.push(new Fragmented(payloadParts(framed), size, this.#nextFragmentId++));
        this.#queuedBytes += size;
        this.#pressure += Math.min(size, this.#socketAheadBytes);
      }
      this.#senders.push(key);
      this.#perSender.add(key);
    }
    this.#queued(length);
    return length;
  }

  // A message frame with a compact, simple encoding, written straight into the last slab;
  // returns its bytes, or 0 when it has no such encoding, is too big for one frame, or
  // does not fit in a slab (push then takes the general way).
  #pushToSlab(frame: ConnectionFrame & { t: 'send' | 'send_named' }, key: string): number {
    let slab = this.#slabs[this.#slabs.length - 1]!;
    let at = this.#slabEnd;
    let end = this.#codec.encodeSendInto(frame, slab, at, slab.length);
    if (end === NO_ROOM && at > 0) {
      slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.#slabs.push(slab);
      this.#slabSeq = (this.#slabSeq + 1) % SLAB_SEQS;
      this.#slabEnd = 0;
      at = 0;
      end = this.#codec.encodeSendInto(frame, slab, 0, slab.length);
    }
    if (end < 0 || this.#slabs.length >= SLAB_SEQS) return 0;
    const length = end - at;
    if (length - LENGTH_PREFIX_BYTES > this.fragmentBytes || length - LENGTH_PREFIX_BYTES > this.maxMessageBytes) return 0;
    this.#slabEnd = end;
    this.#items.push(this.#slabSeq * SLAB_SPAN + end);
    this.#senders.push(key);
    this.#perSender.add(key);
    this.#queuedBytes += length;
    this.#pressure += length;
    this.#queued(length);
    return length;
  }

  #queued(length: number): void {
    if (!this.#busy && this.#pressure > this.highWaterMark) {
      this.#busy = true;
      this.emit('busy');
    }
    this.#unflushed += length;
    if (this.#unflushed >= EAGER_FLUSH_BYTES && this.#socket !== undefined && !this.#waitingDrain) {
      this.#unschedule();
      // Inside a sender's send: 'drain' waits for the flush of the next turn.
      this.#flush(false);
      if (!this.#scheduled && this.#busy) this.#flushNextTurn();
    } else if (!this.#scheduled) this.#schedule(true);
  }

  // The slab holding slab frame `item` (the FIFO's front slab frame); the frame is
  // [#frameStart, #readAt) in it.
  #slabFrame(item: number): Buffer {
    const seq = Math.floor(item / SLAB_SPAN);
    const end = item - seq * SLAB_SPAN;
    while (seq !== this.#readSeq && this.#slabs.length > 1) {
      this.#slabs.shift();
      this.#readSeq = (this.#readSeq + 1) % SLAB_SEQS;
      this.#readAt = 0;
    }
    this.#frameStart = this.#readAt;
    this.#readAt = end;
    return this.#slabs[0]!;
  }

  /** Starts writing to `socket` (once the connection is up). */
  attach(socket: Duplex): void {
    if (this.#closed || this.#socket !== undefined) return;
    this.#socket = socket;
    socket.on('drain', this.#onDrain);
    this.#schedule(true);
  }

  /** Drops everything queued and refuses further frames; a busy queue emits `drain`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unschedule();
    this.#socket?.off('drain', this.#onDrain);
    this.#control = [];
    this.#senders = [];
    this.#items = [];
    this.#head = 0;
    this.#ready = [];
    this.#active = [];
    this.#parked.clear();
    this.#perSender.clear();
    this.#queuedBytes = 0;
    this.#pressure = 0;
    this.#slabs = [];
    if (this.#busy) {
      this.#busy = false;
      this.emit('drain');
    }
  }

  get #dataQueued(): boolean {
    return this.#head < this.#items.length || this.#ready.length > 0 || this.#active.length > 0;
  }

  // Frames just queued are flushed in a microtask: after the processes running now (the
  // scheduler runs them all in one microtask, so their frames still share one write) and
  // before Node polls again, so a reply leaves in the same event-loop turn as the message
  // that caused it. A flush that leaves data behind continues on the next turn instead
  // (`soon` false), so a big payload never keeps the event loop from reading.
  #schedule(soon: boolean): void {
    if (this.#socket === undefined || this.#scheduled || this.#closed) return;
    if (this.#control.length === 0 && (!this.#dataQueued || this.#waitingDrain)) return;
    if (!soon) return this.#flushNextTurn();
    this.#scheduled = true;
    this.#microtaskLive = true;
    this.#microtasks++;
    void RESOLVED.then(this.#flushMicrotask);
  }

  #flushNextTurn(): void {
    this.#scheduled = true;
    this.#immediate = setImmediate(this.#flushNow);
  }

  #unschedule(): void {
    if (!this.#scheduled) return;
    this.#scheduled = false;
    this.#microtaskLive = false;
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }

  #flush(emitDrain = true): void {
    this.#unschedule();
    const socket = this.#socket;
    if (socket === undefined || this.#closed || socket.destroyed) return;
    this.#unflushed = 0;
    const limit = Math.max(this.#socketAheadBytes, socket.writableHighWaterMark);
    const batch = this.#batch;
    const control = this.#control;
    if (control.length > 0) {
      for (let i = 0; i < control.length; i++) batch.add(control[i]!);
      this.#queuedBytes -= batch.bytes;
      this.#pressure -= batch.bytes;
      this.#control = [];
    }
    // Rounds of up to `limit` bytes: another round only while the socket takes everything
    // at once (the kernel has room), so a tick still waits behind at most one round.
    for (let round = 1; ; round++) {
      const ahead = socket.writableLength;
      this.#fill(batch, ahead, limit);
      const written = batch.bytes;
      batch.writeTo(socket);
      this.#bytesWritten += written;
      if (written === 0 || round === FLUSH_ROUNDS || socket.writableLength > 0 || this.#waitingDrain || !this.#dataQueued) break;
    }
    if (this.#dataQueued) {
      // writableLength >= limit >= the socket's high-water mark: a write returned false, so 'drain' comes.
      if (socket.writableLength >= limit) this.#waitingDrain = true;
      else this.#schedule(false);
    }
    if (emitDrain && this.#busy && this.#pressure <= this.highWaterMark / 2) {
      this.#busy = false;
      this.emit('drain');
    }
  }

  // Adds data to `batch` while the socket holds less than `limit` bytes.
  #fill(batch: Batch, ahead: number, limit: number): void {
    while (!this.#waitingDrain && this.#dataQueued && ahead + batch.bytes < limit) {
      // About a fragment's worth of whole frames in FIFO order, then one piece of each
      // message in flight: small messages and big ones share the socket fairly.
      const runEnd = batch.bytes + this.fragmentBytes;
      while (batch.bytes < runEnd && ahead + batch.bytes < limit) {
        let sender: string;
        let item: Item;
        if (this.#ready.length > 0) {
          ({ sender, item } = this.#ready.shift()!);
        } else if (this.#head < this.#items.length) {
          sender = this.#senders[this.#head]!;
          item = this.#items[this.#head]!;
          this.#advance();
        } else break;
        if (typeof item === 'number') {
          const slab = this.#slabFrame(item);
          const start = this.#frameStart;
          const end = this.#readAt;
          const parked = this.#parked.size === 0 ? undefined : this.#parked.get(sender);
          if (parked !== undefined) parked.push({ sender, item: Buffer.from(slab.subarray(start, end)) });
          else {
            batch.addRange(slab, start, end);
            this.#queuedBytes -= end - start;
            this.#pressure -= end - start;
            this.#perSender.remove(sender);
          }
          continue;
        }
        const parked = this.#parked.size === 0 ? undefined : this.#parked.get(sender);
        if (parked !== undefined) parked.push({ sender, item });
        else if (item instanceof Fragmented) this.#begin(sender, item);
        else {
          const before = batch.bytes;
          batch.add(item);
          this.#queuedBytes -= batch.bytes - before;
          this.#pressure -= batch.bytes - before;
          this.#perSender.remove(sender);
        }
      }
      if (this.#active.length > 0) {
        for (const entry of [...this.#active]) this.#writeFragment(batch, entry);
      }
    }
  }

  // Drops the FIFO's front entry.
  #advance(): void {
    const head = this.#head;
    this.#items[head] = undefined as never;
    this.#head = head + 1;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#senders = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#senders = this.#senders.slice(this.#head);
      this.#head = 0;
    }
  }

  #begin(sender: string, item: Fragmented): void {
    this.#parked.set(sender, []);
    this.#active.push({ sender, item });
  }

  #writeFragment(batch: Batch, entry: Entry): void {
    const item = entry.item as Fragmented;
    const length = Math.min(this.fragmentBytes, item.size - item.offset);
    const last = item.offset + length === item.size;
    const at = batch.reserve(LENGTH_PREFIX_BYTES + FRAGMENT_HEADER_BYTES);
    const target = batch.target;
    target.writeUInt32BE(FRAGMENT_HEADER_BYTES + length, at);
    putFragmentHeader(target, at + LENGTH_PREFIX_BYTES, item.id, item.seq, last, item.seq === 0 ? item.size : undefined);
    for (let left = length; left > 0; ) {
      const part = item.parts[item.part]!;
      const n = Math.min(part.length - item.partOffset, left);
      batch.addView(part.subarray(item.partOffset, item.partOffset + n));
      left -= n;
      item.partOffset += n;
      if (item.partOffset === part.length) {
        item.part++;
        item.partOffset = 0;
      }
    }
    const ahead = this.#socketAheadBytes;
    const remaining = item.size - item.offset;
    this.#queuedBytes -= length;
    this.#pressure -= Math.min(remaining, ahead) - Math.min(remaining - length, ahead);
    item.offset += length;
    item.seq++;
    if (last) {
      this.#active.splice(this.#active.indexOf(entry), 1);
      const parked = this.#parked.get(entry.sender) ?? [];
      this.#parked.delete(entry.sender);
      this.#ready.push(...parked);
      this.#perSender.remove(entry.sender);
    }
  }
}

/**
 * What one flush writes: small frames copied one after another into a batch buffer, and
 * big ones (and fragment chunks) as views, in order; handed to the socket in one go.
 * A batch buffer is never rewritten: the socket may still hold views of it.
 */
class Batch {
  /** Bytes added since the last write. */
  bytes = 0;
  target: Buffer = Buffer.allocUnsafeSlow(BATCH_BYTES);
  #position = 0;
  #parts: Buffer[] = [];
  // The segment being extended: `#open[#openStart, #openEnd)` (the batch target or a slab).
  #open: Buffer | undefined = undefined;
  #openStart = 0;
  #openEnd = 0;

  add(framed: Framed): void {
    if (Buffer.isBuffer(framed)) {
      if (framed.length <= COPY_MAX_BYTES) this.#copy(framed);
      else this.addView(framed);
    } else {
      for (const part of framed) {
        if (part.length <= COPY_MAX_BYTES) this.#copy(part);
        else this.addView(part);
      }
    }
  }

  addView(view: Buffer): void {
    this.#cut();
    this.#parts.push(view);
    this.bytes += view.length;
  }

  /** Adds `slab[start, end)`, joined to the previous bytes when they end right there. */
  addRange(slab: Buffer, start: number, end: number): void {
    if (this.#open !== slab || this.#openEnd !== start) {
      this.#cut();
      this.#open = slab;
      this.#openStart = start;
    }
    this.#openEnd = end;
    this.bytes += end - start;
  }

  /** Makes room for `bytes` contiguous bytes in {@link target} and returns where they start. */
  reserve(bytes: number): number {
    this.#openTarget(bytes);
    const at = this.#position;
    this.#position += bytes;
    this.#openEnd = this.#position;
    this.bytes += bytes;
    return at;
  }

  writeTo(socket: Duplex): void {
    this.#cut();
    const parts = this.#parts;
    this.bytes = 0;
    if (parts.length === 0) return;
    this.#parts = [];
    if (parts.length === 1) {
      socket.write(parts[0]);
      return;
    }
    socket.cork();
    for (let i = 0; i < parts.length; i++) socket.write(parts[i]);
    socket.uncork();
  }

  #copy(bytes: Buffer): void {
    const length = bytes.length;
    this.#openTarget(length);
    this.target.set(bytes, this.#position);
    this.#position += length;
    this.#openEnd = this.#position;
    this.bytes += length;
  }

  // Makes the batch target (with room for `bytes`) the open segment.
  #openTarget(bytes: number): void {
    if (this.target.length - this.#position < bytes) {
      this.#cut();
      this.target = Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, bytes));
      this.#position = 0;
    }
    if (this.#open !== this.target) {
      this.#cut();
      this.#open = this.target;
      this.#openStart = this.#position;
      this.#openEnd = this.#position;
    }
  }

  #cut(): void {
    const open = this.#open;
    if (open === undefined) return;
    if (this.#openEnd > this.#openStart) this.#parts.push(open.subarray(this.#openStart, this.#openEnd));
    this.#open = undefined;
  }
}

/**
 * Counts of queued entries per sender: a Map, with the count of the sender used last
 * kept outside it (its Map entry is stale meanwhile), since senders come in runs.
 */
class SenderCounts {
  readonly #counts = new Map<string, number>();
  #key: string | undefined = undefined;
  #count = 0;

  has(key: string): boolean {
    return key === this.#key ? this.#count > 0 : this.#counts.has(key);
  }

  add(key: string): void {
    if (key !== this.#key) this.#switchTo(key);
    this.#count++;
  }

  remove(key: string): void {
    if (key !== this.#key) this.#switchTo(key);
    if (this.#count > 0) this.#count--;
  }

  clear(): void {
    this.#counts.clear();
    this.#key = undefined;
    this.#count = 0;
  }

  #switchTo(key: string): void {
    const previous = this.#key;
    if (previous !== undefined) {
      if (this.#count > 0) this.#counts.set(previous, this.#count);
      else this.#counts.delete(previous);
    }
    this.#key = key;
    this.#count = this.#counts.get(key) ?? 0;
  }
}

function totalLength(parts: readonly Buffer[]): number {
  let length = 0;
  for (const part of parts) length += part.length;
  return length;
}

// The payload of a framed frame (without its length prefix), as parts.
function payloadParts(framed: Framed): Buffer[] {
  if (Buffer.isBuffer(framed)) return [framed.subarray(LENGTH_PREFIX_BYTES)];
  const parts = framed.slice();
  const first = parts[0]!.subarray(LENGTH_PREFIX_BYTES);
  if (first.length > 0) parts[0] = first;
  else parts.shift();
  return parts;
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`SendQueue: ${name} must be a positive integer, got ${value}`);
  return value;
}

// Mailbox: a process's message queue with the positions selective receive needs.
import type { Ref } from '../terms/ref.js';
import { CHUNK_MASK, CHUNK_SIZE, ChunkedSlots } from './chunked-slots.js';
import type { Matcher } from './receive.js';

const FIRST_CAPACITY = 4;
// A local copy: V8 folds a module's own consts into optimised code, not imported bindings.
const SLOT_MASK = CHUNK_MASK;
// Chunk mode's #mask: push's room test (length ≤ mask) always fails, and `mask & SLOT_MASK`
// is the slot mask of both modes (a ring is never larger than a chunk).
const IN_CHUNKS = -1;

/**
 * Messages in arrival order, addressed by positions; live messages sit in [head, end).
 * Up to {@link CHUNK_SIZE} of them live in a ring buffer that doubles as it fills: the
 * message at position p is in slot `p & mask`. Past that the ring becomes the first chunk
 * of a {@link ChunkedSlots}, which grows without ever copying a message; when the mailbox
 * empties, one clean chunk stays as the ring and the rest is let go. Taking the head just
 * advances it; taking from the middle (a selective match) shifts the later messages back
 * by one, so their positions drop by one. When the mailbox empties, every position
 * restarts at 0, so they stay small integers.
 *
 * Invariant: head ≤ scan ≤ end; every message in [head, scan) was already tried and
 * rejected by the receive now waiting, so a wake-up only tests the new ones.
 * Invariant: when `markRef` is set, no message before `markIndex` can contain it (they
 * arrived before the ref existed), so a receive `since` that ref starts there.
 * Invariant: #mask is IN_CHUNKS exactly when #chunks is set; #slots is then the chunk of
 * the head (taking the head costs what it costs in the ring).
 */
export class Mailbox {
  // Allocated on the first message: an idle process that never received costs no slots.
  #slots: unknown[] | undefined = undefined;
  #mask = 0;
  #chunks: ChunkedSlots | undefined = undefined;
  #head = 0;
  #end = 0;
  scan = 0;
  markRef: Ref | undefined = undefined;
  markIndex = 0;

  get length(): number {
    return this.#end - this.#head;
  }

  get head(): number {
    return this.#head;
  }

  get end(): number {
    return this.#end;
  }

  /** Slots allocated for messages (introspection: memory follows the queue). */
  get capacity(): number {
    if (this.#chunks !== undefined) return this.#chunks.capacity;
    return this.#slots === undefined ? 0 : this.#mask + 1;
  }

  push(message: unknown): void {
    const slots = this.#slots;
    const end = this.#end;
    if (slots !== undefined && end - this.#head <= this.#mask) slots[end & this.#mask] = message;
    else if (this.#mask === IN_CHUNKS) this.#chunks!.append(end, message);
    else this.#pushSlow(message);
    this.#end = end + 1;
  }

  at(position: number): unknown {
    const mask = this.#mask;
    return mask !== IN_CHUNKS ? this.#slots![position & mask] : this.#chunks!.get(position);
  }

  /** Absolute position of the first message in [from, end) a matcher accepts, or -1. */
  find(from: number, matchers: readonly Matcher[] | null): number {
    const end = this.#end;
    if (matchers === null) return from < end ? from : -1;
    const mask = this.#mask;
    if (mask === IN_CHUNKS) return this.#chunks!.find(from, end, matchers);
    const slots = this.#slots!;
    if (matchers.length === 1) {
      const test = matchers[0]!;
      for (let p = from; p < end; p++) if (test(slots[p & mask])) return p;
      return -1;
    }
    for (let p = from; p < end; p++) {
      const message = slots[p & mask];
      for (const test of matchers) if (test(message)) return p;
    }
    return -1;
  }

  /** Removes and returns the message at `position` (head ≤ position < end). */
  take(position: number): unknown {
    // Kept small so it inlines into the receive and handler loops: the head is the hot case.
    if (position !== this.#head) return this.#takeLater(position);
    const slots = this.#slots!;
    const mask = this.#mask;
    const slot = position & mask & SLOT_MASK;
    const message = slots[slot];
    slots[slot] = undefined;
    if (++this.#head === this.#end) {
      this.#head = 0;
      this.#end = 0;
      this.markIndex = 0;
      if (mask === IN_CHUNKS) this.#leaveChunks();
    } else if (slot === SLOT_MASK && mask === IN_CHUNKS) {
      this.#slots = this.#chunks!.closeOldest();
    }
    this.scan = this.#head;
    return message;
  }

  /** Remembers the current end as the first position a reply tagged `ref` could be at. */
  mark(ref: Ref): void {
    this.markRef = ref;
    this.markIndex = this.#end;
  }

  /** Where a receive `since` `ref` may start scanning. */
  startFor(ref: Ref | undefined): number {
    if (ref !== undefined && ref === this.markRef && this.markIndex > this.#head) return this.markIndex;
    return this.#head;
  }

  /**
   * Removes the messages from position `from` on that `drop` selects (demonitor flush,
   * which starts where its ref marked the mailbox), keeping the order of the rest.
   */
  removeWhere(drop: (message: unknown) => boolean, from = this.#head): number {
    let removed = 0;
    for (let p = Math.max(from, this.#head); p < this.#end; ) {
      if (!drop(this.at(p))) p++;
      else if (p === this.#head) {
        this.take(p);
        removed++;
        p = this.#head; // the head moved on (or positions restarted at 0)
      } else {
        this.take(p); // the later messages shift back into p
        removed++;
      }
    }
    return removed;
  }

  /** A copy of the queued messages, oldest first (introspection). */
  snapshot(): unknown[] {
    const copy: unknown[] = [];
    for (let p = this.#head; p < this.#end; p++) copy.push(this.at(p));
    return copy;
  }

  /** Drops everything (the process died). */
  clear(): void {
    this.#slots = undefined;
    this.#mask = 0;
    this.#chunks = undefined;
    this.#head = 0;
    this.#end = 0;
    this.scan = 0;
    this.markRef = undefined;
    this.markIndex = 0;
  }

  // A selective match behind the head: the later messages shift back by one. The mailbox
  // cannot empty here (head < position).
  #takeLater(position: number): unknown {
    const last = this.#end - 1;
    const mask = this.#mask;
    let message: unknown;
    if (mask !== IN_CHUNKS) {
      const slots = this.#slots!;
      message = slots[position & mask];
      for (let p = position; p < last; p++) slots[p & mask] = slots[(p + 1) & mask];
      slots[last & mask] = undefined;
    } else message = this.#chunks!.takeAt(position, last);
    this.#end = last;
    if (position < this.markIndex) this.markIndex--;
    this.scan = this.#head;
    return message;
  }

  // Off the fast path: the first message, or a full ring.
  #pushSlow(message: unknown): void {
    const end = this.#end;
    let slots = this.#slots;
    if (slots === undefined) {
      slots = this.#slots = new Array(FIRST_CAPACITY);
      this.#mask = FIRST_CAPACITY - 1;
    } else if (this.#mask !== SLOT_MASK) {
      slots = this.#grow();
    } else {
      // The ring stays the head's chunk, so #slots is already right.
      const chunks = (this.#chunks = new ChunkedSlots(slots, this.#head));
      this.#mask = IN_CHUNKS;
      return chunks.append(end, message);
    }
    slots[end & this.#mask] = message;
  }

  #grow(): unknown[] {
    const old = this.#slots!;
    const oldMask = this.#mask;
    const capacity = (oldMask + 1) * 2;
    const slots: unknown[] = new Array(capacity);
    const mask = capacity - 1;
    for (let p = this.#head; p < this.#end; p++) slots[p & mask] = old[p & oldMask];
    this.#slots = slots;
    this.#mask = mask;
    return slots;
  }

  // Emptied while in chunks: one clean chunk goes on as the ring (a full-size one, so the
  // next burst skips the doubling), the rest is let go.
  #leaveChunks(): void {
    this.#slots = this.#chunks!.release();
    this.#mask = SLOT_MASK;
    this.#chunks = undefined;
  }
}

// ChunkedSlots: where a mailbox keeps its messages once they outgrow its ring. A ring that
// doubles copies every queued message each time it grows (a burst of a million messages
// spent ~10 ns per message there); fixed chunks never move a message, and the chunks the
// head has left are let go, so memory follows the queue.
import type { Matcher } from './receive.js';

// Hot paths use these module-local constants: V8 folds a module's own non-exported consts
// into optimised code, but reads an exported or imported binding from its cell every time.
const SHIFT = 10;
const SIZE = 1 << SHIFT;
const MASK = SIZE - 1;

/**
 * Slots per chunk, also the ring size at which a mailbox switches to chunks. 1024 slots
 * (8 KiB) make the per-chunk work (allocation, directory entry) negligible per message,
 * and keep the slack of a queue of a few thousand messages small.
 */
export const CHUNK_SIZE = SIZE;
/** Slot of position p in its chunk: `p & CHUNK_MASK`. */
export const CHUNK_MASK = MASK;
const FIRST_DIRECTORY_SIZE = 8;

/**
 * Message slots addressed by absolute position, in chunks of {@link CHUNK_SIZE}: position
 * p lives in slot `p & CHUNK_MASK` of chunk number `p >>> 10`, and chunk number c sits at
 * `c & mask` of the directory, a ring of chunk references. Growing adds a chunk, or
 * doubles the directory (copying chunk references, never messages).
 *
 * The owner keeps its messages in positions [head, end), never empty while it uses this
 * store, and keeps the chunk of its head itself (the ring it hands over, then what
 * {@link closeOldest} returns), so taking the head costs what it costs in a ring.
 * Invariant: the chunks held are exactly those [head, end) touches, #count of them, the
 * oldest at directory index #first; unless the end is at a chunk boundary, #newest is
 * the chunk of the end.
 * Invariant: every slot outside [head, end) is undefined, so a chunk let go is clean and
 * is reused as it is.
 *
 * `>>>` works on 32 bits, so chunk numbers wrap at 2^22; the directory size divides 2^22,
 * which keeps `c & mask` right for positions past 2^32.
 */
export class ChunkedSlots {
  #directory: (unknown[] | undefined)[];
  #mask: number;
  #first: number;
  #count: number;
  #newest: unknown[];
  // The last chunk let go, for the next one the end needs: a queue that hovers around a
  // chunk boundary then allocates nothing. At most one, so memory still follows the queue.
  #spare: unknown[] | undefined = undefined;

  /**
   * Takes over a full ring of {@link CHUNK_SIZE} slots holding positions
   * [head, head + CHUNK_SIZE) at `p & CHUNK_MASK`: the ring becomes the chunk of `head`,
   * and the positions past that chunk move to a new one.
   */
  constructor(ring: unknown[], head: number) {
    const directory: (unknown[] | undefined)[] = new Array(FIRST_DIRECTORY_SIZE);
    const mask = FIRST_DIRECTORY_SIZE - 1;
    const first = (head >>> SHIFT) & mask;
    directory[first] = ring;
    let newest = ring;
    const wrapped = head & MASK;
    if (wrapped !== 0) {
      newest = new Array(SIZE);
      for (let i = 0; i < wrapped; i++) {
        newest[i] = ring[i];
        ring[i] = undefined;
      }
      directory[(first + 1) & mask] = newest;
    }
    this.#directory = directory;
    this.#mask = mask;
    this.#first = first;
    this.#count = wrapped === 0 ? 1 : 2;
    this.#newest = newest;
  }

  /** Slots held, the spare chunk included (introspection: memory follows the queue). */
  get capacity(): number {
    return (this.#count + (this.#spare === undefined ? 0 : 1)) * SIZE;
  }

  /** The message at `position` (head ≤ position < end). */
  get(position: number): unknown {
    return this.#directory[(position >>> SHIFT) & this.#mask]![position & MASK];
  }

  /** Stores `message` at `position`, the owner's end, opening a chunk at a chunk boundary. */
  append(position: number, message: unknown): void {
    const slot = position & MASK;
    if (slot === 0) this.#open(position);
    this.#newest[slot] = message;
  }

  /**
   * The owner's head left the oldest chunk (all its slots taken) and messages remain: lets
   * that chunk go and returns the one the head is in now.
   */
  closeOldest(): unknown[] {
    const first = this.#first;
    this.#spare = this.#directory[first];
    this.#directory[first] = undefined;
    this.#first = (first + 1) & this.#mask;
    this.#count--;
    return this.#directory[this.#first]!;
  }

  /**
   * Removes and returns the message at `position` (head < position ≤ last), shifting the
   * messages in (position, last] back by one; `last` is the owner's end - 1.
   */
  takeAt(position: number, last: number): unknown {
    const directory = this.#directory;
    const mask = this.#mask;
    let index = (position >>> SHIFT) & mask;
    let chunk = directory[index]!;
    let slot = position & MASK;
    const message = chunk[slot];
    let moves = last - position;
    for (;;) {
      const stop = slot + Math.min(moves, MASK - slot);
      moves -= stop - slot;
      for (; slot < stop; slot++) chunk[slot] = chunk[slot + 1];
      if (moves === 0) break;
      // slot is MASK here: the next chunk's first message moves into it.
      index = (index + 1) & mask;
      const next = directory[index]!;
      chunk[slot] = next[0];
      moves--;
      chunk = next;
      slot = 0;
    }
    chunk[slot] = undefined;
    if ((last & MASK) === 0) this.#closeNewest();
    return message;
  }

  /** Absolute position of the first message in [from, end) a matcher accepts, or -1. */
  find(from: number, end: number, matchers: readonly Matcher[]): number {
    const directory = this.#directory;
    const mask = this.#mask;
    const single = matchers.length === 1 ? matchers[0]! : undefined;
    for (let position = from; position < end; ) {
      const chunk = directory[(position >>> SHIFT) & mask]!;
      const slot = position & MASK;
      const base = position - slot;
      const stop = end - base < SIZE ? end - base : SIZE;
      if (single !== undefined) {
        for (let i = slot; i < stop; i++) if (single(chunk[i])) return base + i;
      } else {
        for (let i = slot; i < stop; i++) {
          const message = chunk[i];
          for (const test of matchers) if (test(message)) return base + i;
        }
      }
      position = base + SIZE;
    }
    return -1;
  }

  /**
   * The owner emptied: returns one clean chunk for it to go on with as its ring. This
   * store is done with.
   */
  release(): unknown[] {
    return this.#spare ?? this.#directory[this.#first]!;
  }

  // Holds the chunk for `position`, the first of a chunk just past the newest.
  #open(position: number): void {
    if (this.#count > this.#mask) this.#growDirectory(position);
    const chunk = this.#spare ?? new Array(SIZE);
    this.#spare = undefined;
    this.#directory[(position >>> SHIFT) & this.#mask] = chunk;
    this.#count++;
    this.#newest = chunk;
  }

  // #newest needs no update: the end is now at a chunk boundary, so the next append opens one.
  #closeNewest(): void {
    const last = (this.#first + this.#count - 1) & this.#mask;
    this.#spare = this.#directory[last];
    this.#directory[last] = undefined;
    this.#count--;
  }

  // Doubles the directory before the chunk for `position` (just past the newest) opens:
  // chunk numbers are laid out again under the wider mask.
  #growDirectory(position: number): void {
    const old = this.#directory;
    const oldMask = this.#mask;
    const size = (oldMask + 1) * 2;
    const directory: (unknown[] | undefined)[] = new Array(size);
    const mask = size - 1;
    const count = this.#count;
    const firstNumber = (position >>> SHIFT) - count;
    for (let k = 0; k < count; k++) directory[(firstNumber + k) & mask] = old[(this.#first + k) & oldMask];
    this.#directory = directory;
    this.#mask = mask;
    this.#first = firstNumber & mask;
  }
}

// Mailbox: a process's message queue with the positions selective receive needs.
import type { Ref } from '../terms/ref.js';
import type { Matcher } from './receive.js';

const FIRST_CAPACITY = 4;

/**
 * Messages in arrival order, in a growable ring buffer addressed by positions: the
 * message at position p lives in slot `p & mask`; live messages sit in [head, end).
 * Taking the head just advances it; taking from the middle (a selective match) shifts
 * the later messages back by one, so their positions drop by one. When the mailbox
 * empties, every position restarts at 0, so they stay small integers.
 *
 * Invariant: head ≤ scan ≤ end; every message in [head, scan) was already tried and
 * rejected by the receive now waiting, so a wake-up only tests the new ones.
 * Invariant: when `markRef` is set, no message before `markIndex` can contain it (they
 * arrived before the ref existed), so a receive `since` that ref starts there.
 */
export class Mailbox {
  // Allocated on the first message: an idle process that never received costs no slots.
  #slots: unknown[] | undefined = undefined;
  #mask = 0;
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

  push(message: unknown): void {
    let slots = this.#slots;
    if (slots === undefined) {
      slots = this.#slots = new Array(FIRST_CAPACITY);
      this.#mask = FIRST_CAPACITY - 1;
    } else if (this.#end - this.#head > this.#mask) {
      slots = this.#grow();
    }
    slots[this.#end & this.#mask] = message;
    this.#end++;
  }

  at(position: number): unknown {
    return this.#slots![position & this.#mask];
  }

  /** Absolute position of the first message in [from, end) a matcher accepts, or -1. */
  find(from: number, matchers: readonly Matcher[] | null): number {
    const end = this.#end;
    if (matchers === null) return from < end ? from : -1;
    const slots = this.#slots!;
    const mask = this.#mask;
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
    const slots = this.#slots!;
    const mask = this.#mask;
    const message = slots[position & mask];
    if (position === this.#head) {
      slots[position & mask] = undefined;
      this.#head++;
    } else {
      const last = this.#end - 1;
      for (let p = position; p < last; p++) slots[p & mask] = slots[(p + 1) & mask];
      slots[last & mask] = undefined;
      this.#end = last;
      if (position < this.markIndex) this.markIndex--;
    }
    if (this.#head === this.#end) {
      this.#head = 0;
      this.#end = 0;
      this.markIndex = 0;
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
      if (drop(this.at(p))) {
        this.take(p);
        removed++;
      } else p++;
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
    this.#head = 0;
    this.#end = 0;
    this.scan = 0;
    this.markRef = undefined;
    this.markIndex = 0;
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
}

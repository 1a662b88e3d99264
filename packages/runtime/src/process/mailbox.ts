// Mailbox: a process's message queue with the positions selective receive needs.
import type { Ref } from '../terms/ref.js';
import type { Matcher } from './receive.js';

/**
 * Messages in arrival order. Indexes are absolute positions in `#items`; live messages
 * sit in [head, items.length). Removing from the middle (a selective match) splices;
 * removing the head just advances `head`.
 *
 * Invariant: `scan` ≥ head; every message in [head, scan) was already tried and
 * rejected by the receive now waiting, so a wake-up only tests the new ones.
 * Invariant: when `markRef` is set, no message before `markIndex` can contain it (they
 * arrived before the ref existed), so a receive `since` that ref starts there.
 */
export class Mailbox {
  #items: unknown[] = [];
  #head = 0;
  scan = 0;
  markRef: Ref | undefined = undefined;
  markIndex = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  get head(): number {
    return this.#head;
  }

  get end(): number {
    return this.#items.length;
  }

  push(message: unknown): void {
    this.#items.push(message);
  }

  at(index: number): unknown {
    return this.#items[index];
  }

  /** Removes and returns the message at absolute `index` (head ≤ index < end). */
  take(index: number): unknown {
    const items = this.#items;
    const message = items[index];
    if (index === this.#head) {
      items[index] = undefined;
      this.#head++;
      if (this.#head === items.length) {
        items.length = 0;
        this.#head = 0;
        this.markIndex = 0;
      } else if (this.#head >= 1024 && this.#head * 2 >= items.length) {
        this.#compact();
      }
    } else {
      items.splice(index, 1);
      if (index < this.markIndex) this.markIndex--;
    }
    this.scan = this.#head;
    return message;
  }

  /** Absolute index of the first message in [from, end) a matcher accepts, or -1. */
  find(from: number, matchers: readonly Matcher[] | null): number {
    const items = this.#items;
    const end = items.length;
    if (matchers === null) return from < end ? from : -1;
    if (matchers.length === 1) {
      const test = matchers[0]!;
      for (let i = from; i < end; i++) if (test(items[i])) return i;
      return -1;
    }
    for (let i = from; i < end; i++) {
      const message = items[i];
      for (const test of matchers) if (test(message)) return i;
    }
    return -1;
  }

  /** Remembers the current end as the first position a reply tagged `ref` could be at. */
  mark(ref: Ref): void {
    this.markRef = ref;
    this.markIndex = this.#items.length;
  }

  /** Where a receive `since` `ref` may start scanning. */
  startFor(ref: Ref | undefined): number {
    if (ref !== undefined && ref === this.markRef && this.markIndex > this.#head) return this.markIndex;
    return this.#head;
  }

  /** Removes the messages `drop` selects (demonitor flush), keeping the order of the rest. */
  removeWhere(drop: (message: unknown) => boolean): number {
    let removed = 0;
    for (let i = this.#head; i < this.#items.length; ) {
      if (drop(this.#items[i])) {
        this.take(i);
        removed++;
      } else i++;
    }
    return removed;
  }

  /** A copy of the queued messages, oldest first (introspection). */
  snapshot(): unknown[] {
    return this.#items.slice(this.#head);
  }

  /** Drops everything (the process died). */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.scan = 0;
    this.markRef = undefined;
    this.markIndex = 0;
  }

  #compact(): void {
    const shift = this.#head;
    this.#items = this.#items.slice(shift);
    this.#head = 0;
    this.scan = Math.max(0, this.scan - shift);
    this.markIndex = Math.max(0, this.markIndex - shift);
  }
}

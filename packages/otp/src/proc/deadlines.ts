// Deadlines: the timeouts of many waits in one process, kept with a single runtime timer
// (the gateway waits on thousands of calls at once; a sendAfter per call costs more than the call).

/** One wait's timeout; `remove` it once the wait is over. */
export class Deadline<T> {
  prev: Deadline<T> | undefined = undefined;
  next: Deadline<T> | undefined = undefined;
  constructor(
    readonly at: number,
    readonly owner: T,
    readonly list: DeadlineList<T>,
  ) {}
}

// The deadlines of one timeout length, oldest first. The clock never goes back, so appending
// keeps the list sorted: adding and removing are O(1).
class DeadlineList<T> {
  head: Deadline<T> | undefined = undefined;
  tail: Deadline<T> | undefined = undefined;
}

/** What the deadlines need from their process: its clock and one re-armable wake-up. */
export interface DeadlineHost {
  now(): number;
  /** Asks for one `expire` call `ms` from now, replacing any wake-up asked for before. */
  wakeIn(ms: number): void;
}

/**
 * Pending deadlines of a process, grouped by timeout length. Invariant: a wake-up is asked
 * for at (or before) the earliest deadline, and no later than any deadline added since.
 */
export class Deadlines<T> {
  readonly #host: DeadlineHost;
  readonly #lists = new Map<number, DeadlineList<T>>();
  /** When the wake-up asked for fires; Infinity when none is pending. */
  #wakeAt = Infinity;

  constructor(host: DeadlineHost) {
    this.#host = host;
  }

  /** Adds a deadline `afterMs` from now for `owner`. */
  add(afterMs: number, owner: T): Deadline<T> {
    let list = this.#lists.get(afterMs);
    if (list === undefined) this.#lists.set(afterMs, (list = new DeadlineList()));
    const deadline = new Deadline(this.#host.now() + afterMs, owner, list);
    if (list.tail === undefined) list.head = deadline;
    else {
      list.tail.next = deadline;
      deadline.prev = list.tail;
    }
    list.tail = deadline;
    if (deadline.at < this.#wakeAt) this.#arm(deadline.at);
    return deadline;
  }

  /** Forgets `deadline` (its wait is over). A wake-up it asked for stays; it finds nothing due. */
  remove(deadline: Deadline<T>): void {
    const list = deadline.list;
    if (deadline.prev === undefined) list.head = deadline.next;
    else deadline.prev.next = deadline.next;
    if (deadline.next === undefined) list.tail = deadline.prev;
    else deadline.next.prev = deadline.prev;
    deadline.prev = deadline.next = undefined;
  }

  /** The wake-up fired: removes and returns the owners whose deadline has passed, then re-arms. */
  expire(): T[] {
    this.#wakeAt = Infinity;
    const now = this.#host.now();
    const due: T[] = [];
    let earliest = Infinity;
    for (const [afterMs, list] of this.#lists) {
      while (list.head !== undefined && list.head.at <= now) {
        due.push(list.head.owner);
        this.remove(list.head);
      }
      if (list.head === undefined) this.#lists.delete(afterMs);
      else if (list.head.at < earliest) earliest = list.head.at;
    }
    if (earliest !== Infinity) this.#arm(earliest);
    return due;
  }

  #arm(at: number): void {
    this.#wakeAt = at;
    this.#host.wakeIn(Math.max(0, at - this.#host.now()));
  }
}

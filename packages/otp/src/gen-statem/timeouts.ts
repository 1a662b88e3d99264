// gen-statem/timeouts.ts
// The machine's running timeouts (event, state and named): started on the runtime's clock, recognised when they fire.
import type { Ref } from '@troupe/runtime';
import type { TimeoutAction } from './actions.js';
import type { AnyStatemEvent } from './callbacks.js';

/** The message a timeout timer sends to its own machine. */
export interface TimeoutMessage {
  readonly kind: '$gen_statem_timeout';
  readonly key: string;
  readonly token: number;
}

/** Starting and cancelling timers that send a message to the machine itself (self.sendAfter). */
export interface TimerHost {
  start(ms: number, message: TimeoutMessage): Ref;
  cancel(ref: Ref): void;
}

// A zero timeout has no timer: it waits in the zero queue for the event queue to drain.
const ZERO = 0;

interface Running {
  readonly action: TimeoutAction;
  readonly token: number;
  readonly timer: Ref | typeof ZERO;
  content: unknown;
}

/** The key of a timeout kind: one slot each for the event and state timeouts, one per name for generic ones. */
export function timeoutKey(action: TimeoutAction): string {
  return action.kind === 'generic_timeout' ? `generic:${action.name}` : action.kind;
}

/** Whether `message` is a timer message of some gen_statem (possibly a stale one). */
export function isTimeoutMessage(message: unknown): message is TimeoutMessage {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === '$gen_statem_timeout';
}

/**
 * The running timeouts of one machine.
 *
 * Invariant: a key is in `#zeroQueue` iff its entry's timer is ZERO; zero timeouts are
 * delivered in the order they were set, only when no other event is queued.
 * A cancelled timer may already have sent its message; its token no longer matches any
 * entry, so {@link TimeoutTable.take} reports it stale (OTP flushes it from the mailbox).
 */
export class TimeoutTable {
  readonly #host: TimerHost;
  readonly #running = new Map<string, Running>();
  readonly #zeroQueue: string[] = [];
  #nextToken = 1;

  constructor(host: TimerHost) {
    this.#host = host;
  }

  /** Whether a timeout of that key runs (or waits in the zero queue). */
  has(key: string): boolean {
    return this.#running.has(key);
  }

  /** Cancels the timeout of that key, if any. */
  cancel(key: string): void {
    const entry = this.#running.get(key);
    if (entry === undefined) return;
    this.#running.delete(key);
    if (entry.timer === ZERO) this.#zeroQueue.splice(this.#zeroQueue.indexOf(key), 1);
    else this.#host.cancel(entry.timer);
  }

  /** Cancels every timeout (the machine terminates). */
  cancelAll(): void {
    for (const key of [...this.#running.keys()]) this.cancel(key);
  }

  /**
   * Applies the timeout actions of one transition. As in OTP, only the last action of each
   * key counts; they take effect in the order of those last occurrences.
   */
  apply(actions: readonly TimeoutAction[]): void {
    const last = new Map<string, number>();
    actions.forEach((action, index) => last.set(timeoutKey(action), index));
    actions.forEach((action, index) => {
      const key = timeoutKey(action);
      if (last.get(key) === index) this.#set(key, action);
    });
  }

  #set(key: string, action: TimeoutAction): void {
    const { time } = action;
    if (time === 'update') {
      const entry = this.#running.get(key);
      if (entry !== undefined) {
        entry.content = action.content;
        return;
      }
      this.#start(key, action, 0);
      return;
    }
    this.cancel(key);
    if (time === 'cancel' || time === Infinity) return;
    this.#start(key, action, time);
  }

  #start(key: string, action: TimeoutAction, ms: number): void {
    const token = this.#nextToken++;
    if (ms === 0) {
      this.#running.set(key, { action, token, timer: ZERO, content: action.content });
      this.#zeroQueue.push(key);
      return;
    }
    const timer = this.#host.start(ms, { kind: '$gen_statem_timeout', key, token });
    this.#running.set(key, { action, token, timer, content: action.content });
  }

  /** The oldest zero timeout as an event, removed from the table; undefined if none. */
  takeZero(): AnyStatemEvent | undefined {
    const key = this.#zeroQueue.shift();
    if (key === undefined) return undefined;
    const entry = this.#running.get(key)!;
    this.#running.delete(key);
    return toEvent(entry);
  }

  /** The event of a fired timer, removed from the table; undefined for a stale (cancelled) one. */
  take(message: TimeoutMessage): AnyStatemEvent | undefined {
    const entry = this.#running.get(message.key);
    if (entry === undefined || entry.token !== message.token) return undefined;
    this.#running.delete(message.key);
    return toEvent(entry);
  }

  /** The running timeouts as `[type, content]` pairs, for status reports. */
  list(): { type: string; content: unknown }[] {
    return [...this.#running.values()].map((entry) => ({ type: timeoutKey(entry.action), content: entry.content }));
  }
}

function toEvent(entry: Running): AnyStatemEvent {
  const { action } = entry;
  if (action.kind === 'generic_timeout') return { type: 'generic_timeout', name: action.name, content: entry.content };
  return { type: action.kind, content: entry.content };
}

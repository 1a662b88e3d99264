// Calling behaviour callbacks that may throw or return a promise, staying synchronous when
// they do neither: a sync callback costs no microtask, an async one suspends the process.
import { errorReason, ExitException, type ExitReason } from '@troupe/runtime';

/** A value now, or later. */
export type Later<T> = T | PromiseLike<T>;

/** How a callback call ended: its value, or what it threw (or rejected with). */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Calls `fn`; a returned promise is awaited (the process stays suspended meanwhile). */
export function attempt(fn: () => unknown): Later<Outcome> {
  let value: unknown;
  try {
    value = fn();
  } catch (error) {
    return { ok: false, error };
  }
  return settle(value);
}

/** The outcome of a callback that returned `value`: now, or once the promise it is settles. */
export function settle(value: unknown): Later<Outcome> {
  if (!isThenable(value)) return { ok: true, value };
  return Promise.resolve(value).then(
    (resolved): Outcome => ({ ok: true, value: resolved }),
    (error: unknown): Outcome => ({ ok: false, error }),
  );
}

/** `then` that runs `next` at once when `value` is not a promise (no microtask hop on the fast path). */
export function andThen<T, U>(value: Later<T>, next: (value: T) => Later<U>): Later<U> {
  return isThenable(value) ? Promise.resolve(value).then(next) : next(value);
}

/** Runs `step` for each item in order, waiting for any promise it returns before the next one. */
export function forEachInOrder<T>(items: readonly T[], step: (item: T) => Later<void>, from = 0): Later<void> {
  for (let index = from; index < items.length; index++) {
    const result = step(items[index]!);
    if (isThenable(result)) return Promise.resolve(result).then(() => forEachInOrder(items, step, index + 1));
  }
  return undefined;
}

/** The exit reason a callback's throw stands for: `self.exit(reason)`'s reason, else `{kind: 'error', error}`. */
export function exitReasonOf(error: unknown): ExitReason {
  return error instanceof ExitException ? error.reason : errorReason(error);
}

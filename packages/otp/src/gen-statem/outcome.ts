// gen-statem/outcome.ts
// Calling a callback that may throw or return a promise, staying synchronous when it does neither.

/** How a callback call ended: its value, or what it threw (or rejected with). */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** A value now, or later. */
export type Later<T> = T | PromiseLike<T>;

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

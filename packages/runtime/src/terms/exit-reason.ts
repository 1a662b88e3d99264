// ExitReason: why a process ended; a value that travels along links and monitors.

/**
 * `{shutdown, Detail}`: an orderly stop that carries a detail; not a crash.
 */
export interface ShutdownReason {
  readonly kind: 'shutdown';
  readonly detail: unknown;
}

/**
 * A process whose code threw: the thrown value and, when it was an Error, its stack
 * (Erlang's `{Reason, Stacktrace}` exit from an uncaught exception).
 */
export interface ErrorReason {
  readonly kind: 'error';
  readonly error: unknown;
  readonly stack?: string;
}

/**
 * A callback returned something that is not one of its documented results
 * (Erlang's `{bad_return_value, Value}`); `callback` names which one.
 */
export interface BadReturnValueReason {
  readonly kind: 'bad_return_value';
  readonly callback: string;
  readonly value: unknown;
}

/** Any other structured reason: a tagged object (Erlang's tuples). */
export interface TaggedReason {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** The atoms the runtime itself uses, listed for completion; any other string is an atom too. */
export type AtomReason = 'normal' | 'shutdown' | 'kill' | 'killed' | 'noproc' | 'noconnection' | 'timeout';

/**
 * The reason a process exits with. Atoms are strings; Erlang tuples are objects tagged
 * by `kind`. `'kill'` sent with `exit(pid, 'kill')` is untrappable and reaches links as
 * `'killed'`; `'normal'` is ignored by linked processes that do not trap exits.
 */
export type ExitReason =
  | AtomReason
  | (string & {})
  | ShutdownReason
  | ErrorReason
  | BadReturnValueReason
  | TaggedReason;

/** `{shutdown, detail}` */
export function shutdownWith(detail: unknown): ShutdownReason {
  return { kind: 'shutdown', detail };
}

/** The reason for a thrown value (keeps the stack of an Error). */
export function errorReason(error: unknown): ErrorReason {
  const stack = error instanceof Error ? error.stack : undefined;
  return stack === undefined ? { kind: 'error', error } : { kind: 'error', error, stack };
}

/**
 * True when `reason` is abnormal, i.e. not `normal`, `shutdown` or `{shutdown, _}` —
 * the rule proc_lib uses for crash reports and supervisors use for transient children.
 */
export function isCrash(reason: ExitReason): boolean {
  if (reason === 'normal' || reason === 'shutdown') return false;
  return !(typeof reason === 'object' && reason !== null && reason.kind === 'shutdown');
}

/** Checks that `value` can be used as an exit reason (a string or an object with a string `kind`). */
export function isExitReason(value: unknown): value is ExitReason {
  if (typeof value === 'string') return true;
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/** A one-line human rendering for logs: atoms as-is, errors as `error: Name: message`. */
export function formatReason(reason: ExitReason): string {
  if (typeof reason === 'string') return reason;
  if (reason.kind === 'error') {
    const error = (reason as ErrorReason).error;
    if (error instanceof Error) return `error: ${error.name}: ${error.message}`;
    return `error: ${safeString(error)}`;
  }
  return safeString(reason);
}

function safeString(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : v instanceof Error ? `${v.name}: ${v.message}` : v,
    );
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

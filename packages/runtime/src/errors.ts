// Errors the runtime throws, each with a stable `code` for callers to branch on.
// Exits are values (ExitReason); these classes are for API misuse and for the
// few places where an exit must travel as an exception (erlang:exit/1).
import { type ExitReason, formatReason } from './terms/exit-reason.js';

/**
 * A bad argument that is not a type error: sending to an unregistered name,
 * registering a taken name (Erlang raises `badarg` for these).
 */
export class BadArgError extends Error {
  readonly code = 'badarg';
  override readonly name = 'BadArgError';
}

/**
 * Thrown by `self.exit(reason)` (Erlang's `exit/1`): ends the calling process with
 * `reason` unless caught. Catching it is allowed, as in Erlang.
 */
export class ExitException extends Error {
  readonly code = 'exit';
  override readonly name = 'ExitException';
  constructor(readonly reason: ExitReason) {
    super(`exit: ${formatReason(reason)}`);
  }
}

/**
 * Thrown by context operations of a process that is no longer alive — an async body
 * that resumed after it was killed. The runtime ignores it; it only unwinds the body.
 */
export class ProcessExitedError extends Error {
  readonly code = 'process_exited';
  override readonly name = 'ProcessExitedError';
}

/** A receive was started while another receive of the same process is still waiting. */
export class ConcurrentReceiveError extends Error {
  readonly code = 'concurrent_receive';
  override readonly name = 'ConcurrentReceiveError';
}

/** The runtime was shut down; the operation cannot be served. */
export class RuntimeStoppedError extends Error {
  readonly code = 'runtime_stopped';
  override readonly name = 'RuntimeStoppedError';
}

/**
 * `link` to a process that does not exist, from a process that does not trap exits
 * (Erlang raises `noproc`; a trapping process gets an `EXIT` message instead).
 */
export class NoProcError extends Error {
  readonly code = 'noproc';
  override readonly name = 'NoProcError';
}

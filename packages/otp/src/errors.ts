// Errors the OTP layer throws, each with a stable `code` for callers to branch on.
// Exits stay values (ExitReason); these classes are what a *caller* sees when a request
// it made could not be answered.
import { formatReason, isPid, type ExitReason, type Pid } from '@troupe/runtime';
import type { ServerRef } from './gen/server-ref.js';

/** Renders a server reference for messages: `<0.42.0>`, `'counter'` or `counter@node`. */
export function formatServerRef(server: ServerRef): string {
  if (isPid(server)) return String(server);
  if (typeof server === 'string') return `'${server}'`;
  // Erlang's {Name, Node}: 'kv@b@host' would read like a node name.
  return `{${server.name}, ${server.node}}`;
}

/**
 * A call got no reply within its timeout (Erlang's `exit({timeout, {gen_server, call, …}})`).
 * The request may still be served; its late reply is dropped, never queued for the caller.
 */
export class CallTimeoutError extends Error {
  readonly code = 'call_timeout';
  override readonly name = 'CallTimeoutError';
  constructor(
    readonly server: ServerRef,
    readonly timeoutMs: number,
  ) {
    super(`call to ${formatServerRef(server)} timed out after ${timeoutMs} ms`);
  }
}

/**
 * The server ended before replying, did not exist (`reason` `'noproc'`), or the call was
 * made to the calling process itself (`'calling_self'`). Erlang's `exit({Reason, {gen_server, call, …}})`.
 */
export class CallExitError extends Error {
  readonly code = 'call_exit';
  override readonly name = 'CallExitError';
  constructor(
    readonly server: ServerRef,
    readonly reason: ExitReason,
  ) {
    super(`call to ${formatServerRef(server)} failed: ${formatReason(reason)}`);
  }
}

/**
 * A `sys.replaceState` function threw; the server keeps its previous state
 * (Erlang's `{callback_failed, {Mod, system_replace_state}, {Class, Reason}}`).
 */
export class SystemCallbackError extends Error {
  readonly code = 'callback_failed';
  override readonly name = 'SystemCallbackError';
  constructor(
    readonly server: ServerRef,
    readonly reason: ExitReason,
  ) {
    super(`system callback in ${formatServerRef(server)} failed: ${formatReason(reason)}`);
  }
}

/**
 * The hidden process that runs calls for code outside any process ended (the runtime
 * was shut down, or someone killed it) before the call finished.
 */
export class GatewayExitedError extends Error {
  readonly code = 'gateway_exited';
  override readonly name = 'GatewayExitedError';
  constructor(
    readonly gateway: Pid,
    readonly reason: ExitReason,
  ) {
    super(`the call gateway ${gateway} exited (${formatReason(reason)}) before the operation finished`);
  }
}

/**
 * `GenEvent.call` got no reply from the handler (OTP's `{error, bad_module}` and
 * `{error, {'EXIT', Reason}}` / `{error, Term}` answers): `reason` is `'bad_module'` when no
 * such handler is installed, else why its handleCall failed (`{kind: 'error', …}` for a throw,
 * `{kind: 'bad_return_value', …}` for a bad result) — the handler has then been removed.
 * The manager itself is fine; a dead manager fails the call with CallExitError instead.
 */
export class HandlerCallError extends Error {
  readonly code = 'handler_call_failed';
  override readonly name = 'HandlerCallError';
  constructor(
    readonly manager: ServerRef,
    /** The handler's id (a gen-event HandlerId). */
    readonly handler: string,
    readonly reason: ExitReason,
  ) {
    super(`call to handler ${handler} in event manager ${formatServerRef(manager)} failed: ${formatReason(reason)}`);
  }
}

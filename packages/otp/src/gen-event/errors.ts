// gen-event/errors.ts
// The error a caller of GenEvent.call sees when the handler it named could not answer.
import { formatReason, type ExitReason } from '@troupe/runtime';
import { formatServerRef } from '../errors.js';
import type { ServerRef } from '../gen/server-ref.js';
import type { HandlerId } from './callbacks.js';

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
    readonly handler: HandlerId,
    readonly reason: ExitReason,
  ) {
    super(`call to handler ${handler} in event manager ${formatServerRef(manager)} failed: ${formatReason(reason)}`);
  }
}

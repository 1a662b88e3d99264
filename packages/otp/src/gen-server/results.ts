// Checks callback results at the boundary: anything that is not a documented result
// becomes the exit reason {kind: 'bad_return_value', callback, value}.
import { isExitReason, type BadReturnValueReason } from '@troupe/runtime';
import type { Next } from './callbacks.js';

/** Which callback produced a result, and so which shapes it may take. */
export type CallbackName = 'init' | 'handleCall' | 'handleCast' | 'handleInfo' | 'handleContinue';

/** A result that passed {@link checkResult}: the loop reads these fields only. */
export interface CheckedResult {
  readonly kind: 'ok' | 'ignore' | 'reply' | 'noreply' | 'stop';
  readonly state?: unknown;
  readonly reply?: unknown;
  readonly reason?: unknown;
  readonly next?: Next;
}

/** The result itself if it is valid for `callback`, else the bad_return_value reason. */
export function checkResult(callback: CallbackName, value: unknown): CheckedResult | BadReturnValueReason {
  return isValid(callback, value) ? (value as CheckedResult) : { kind: 'bad_return_value', callback, value };
}

// One switch on the kind (no table lookup): this runs for every message a server handles.
function isValid(callback: CallbackName, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as Record<string, unknown>;
  switch (result.kind) {
    case 'noreply':
      return callback !== 'init' && 'state' in result && isNext(result.next);
    case 'reply':
      return callback === 'handleCall' && 'state' in result && 'reply' in result && isNext(result.next);
    case 'ok':
      return callback === 'init' && 'state' in result && isNext(result.next);
    case 'ignore':
      return callback === 'init';
    case 'stop':
      // init's carries no state; only handleCall's may carry a reply.
      if (!isExitReason(result.reason)) return false;
      if (callback === 'init') return true;
      return 'state' in result && (callback === 'handleCall' || !('reply' in result));
    default:
      return false;
  }
}

function isNext(next: unknown): boolean {
  if (next === undefined) return true;
  if (typeof next !== 'object' || next === null) return false;
  const { kind } = next as { kind?: unknown };
  if (kind === 'timeout') {
    const ms = (next as { ms?: unknown }).ms;
    return typeof ms === 'number' && ms >= 0;
  }
  return kind === 'hibernate' || (kind === 'continue' && 'arg' in next);
}

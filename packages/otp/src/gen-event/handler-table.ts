// gen-event/handler-table.ts
// The handlers installed in one event manager: add / delete / swap, dispatch to each; a failing handler is removed alone.
import { errorReason, formatReason, type ExitReason, type Pid, type ProcessContext } from '@troupe/runtime';
import { andThen, attempt, forEachInOrder, type Later, type Outcome } from '../proc/outcome.js';
import type {
  AnyEventHandler,
  GenEventExitMessage,
  HandlerId,
  HandlerRemoval,
  SwapHandlerResult,
  SwappedReason,
} from './callbacks.js';

/** What the table needs from the manager process. */
export interface TableHost {
  readonly self: ProcessContext;
  /** How reports name the manager (its registered name or pid). */
  readonly managerName: string;
}

/** Result of adding (or swapping in) a handler: its init's error, a throw, or a bad value. */
export type AddResult = { readonly kind: 'ok' } | { readonly kind: 'error'; readonly reason: unknown };

/** Result of deleting a handler: what its terminate returned. */
export type DeleteResult = { readonly kind: 'ok'; readonly result: unknown } | { readonly kind: 'error'; readonly reason: unknown };

/** Result of a call to one handler. */
export type CallResult = { readonly kind: 'ok'; readonly reply: unknown } | { readonly kind: 'error'; readonly reason: unknown };

interface Installed {
  readonly id: HandlerId;
  readonly handler: AnyEventHandler;
  state: unknown;
  /** The process that added it with addSupHandler (OTP's `supervised`). */
  readonly owner: Pid | undefined;
}

// How a removal is reported to the handler's owner (OTP's report_terminate "How"): 'normal',
// 'shutdown', {swapped, …}, or an error reason (which is also logged).
type How = ExitReason;

type Verdict = 'ok' | 'swap' | 'remove' | 'bad';

/**
 * The handler list of one manager, newest first (OTP prepends on add; notify runs in list
 * order). Callbacks may return promises: the manager waits, so only one operation runs at a
 * time and the list never changes under an operation's feet.
 */
export class HandlerTable {
  readonly #host: TableHost;
  #handlers: Installed[] = [];

  constructor(host: TableHost) {
    this.#host = host;
  }

  /** Installed handler ids, newest first (which_handlers). */
  ids(): HandlerId[] {
    return this.#handlers.map((entry) => entry.id);
  }

  /** Each handler's id and state (sys:get_state). */
  states(): { id: HandlerId; state: unknown }[] {
    return this.#handlers.map(({ id, state }) => ({ id, state }));
  }

  /** Applies `fn` to each handler's `{ id, state }`; a handler whose fn throws keeps its state (sys:replace_state). */
  replaceStates(fn: (entry: { id: HandlerId; state: unknown }) => { id: HandlerId; state: unknown }): { id: HandlerId; state: unknown }[] {
    return this.#handlers.map((entry) => {
      try {
        const next = fn({ id: entry.id, state: entry.state });
        if (next.id === entry.id) entry.state = next.state;
      } catch {
        // As in OTP: a failing replacement leaves that handler as it was.
      }
      return { id: entry.id, state: entry.state };
    });
  }

  /** The processes supervising some handler (to unlink them when the manager stops). */
  owners(): Pid[] {
    return this.#handlers.flatMap((entry) => (entry.owner === undefined ? [] : [entry.owner]));
  }

  /** add_handler / add_sup_handler: init, and on success install it first in the list. */
  add(id: HandlerId, handler: AnyEventHandler, args: unknown, owner: Pid | undefined): Later<AddResult> {
    // OTP links before init and keeps the link even if init fails.
    if (owner !== undefined) this.#host.self.link(owner);
    return andThen(this.#init(id, handler, args, owner), (result) => {
      if (result.kind === 'ok') this.#handlers.unshift(result.entry);
      return result.kind === 'ok' ? { kind: 'ok' } : result;
    });
  }

  /** delete_handler: terminate(args) and return what it returned. */
  delete(id: HandlerId, args: unknown): Later<DeleteResult> {
    const entry = this.#take(id);
    if (entry === undefined) return { kind: 'error', reason: 'module_not_found' };
    return andThen(this.#terminate(entry, args, 'normal', 'delete'), (outcome): DeleteResult =>
      outcome.ok ? { kind: 'ok', result: outcome.value } : { kind: 'error', reason: errorReason(outcome.error) },
    );
  }

  /**
   * swap_handler / swap_sup_handler: terminate the old one (if installed), then add the new
   * one with `{ args, previous }`. The new one is supervised by `owner` if given, else by
   * whoever supervised the old one.
   */
  swap(old: { id: HandlerId; args: unknown }, next: { id: HandlerId; handler: AnyEventHandler; args: unknown }, owner: Pid | undefined): Later<AddResult> {
    const entry = this.#take(old.id);
    if (entry === undefined) return this.add(next.id, next.handler, { args: next.args, previous: 'error' }, owner);
    const supervisor = owner ?? entry.owner;
    const how: SwappedReason = { kind: 'swapped', handler: next.id, pid: supervisor };
    return andThen(this.#terminate(entry, old.args, how, 'swap'), (outcome) =>
      this.add(next.id, next.handler, { args: next.args, previous: previousOf(outcome) }, supervisor),
    );
  }

  /** Calls `callback` of every handler with `message`, in order (notify / sync_notify / info). */
  notify(message: unknown, callback: 'handleEvent' | 'handleInfo'): Later<void> {
    const kept: Installed[] = [];
    const done = forEachInOrder(this.#handlers, (entry) =>
      andThen(this.#dispatch(entry, message, callback), (survivor) => {
        if (survivor !== undefined) kept.push(survivor);
      }),
    );
    return andThen(done, () => {
      this.#handlers = kept;
    });
  }

  /** call: handleCall of one handler; a failure removes it and is the caller's answer. */
  call(id: HandlerId, request: unknown): Later<CallResult> {
    const entry = this.#find(id);
    if (entry === undefined) return { kind: 'error', reason: 'bad_module' };
    const outcome = this.#invoke(entry, 'handleCall', request);
    return andThen(outcome, (result) => {
      const failed = !result.ok || verdictOf(result.value, 'handleCall') === 'bad';
      return andThen(this.#apply(entry, result, request, 'handleCall'), (survivor): CallResult => {
        this.#replace(entry, survivor);
        if (failed) return { kind: 'error', reason: failureOf(result, 'handleCall') };
        return { kind: 'ok', reply: (result.value as { reply?: unknown }).reply };
      });
    });
  }

  /** A process supervising handlers exited: remove its handlers (terminate `{stop, Reason}`), then tell the others. */
  ownerExited(exit: { readonly from: Pid; readonly reason: ExitReason }): Later<void> {
    const gone = this.#handlers.filter((entry) => entry.owner?.equals(exit.from) === true);
    this.#handlers = this.#handlers.filter((entry) => !gone.includes(entry));
    const removal: HandlerRemoval = { kind: 'stop', reason: exit.reason };
    const done = forEachInOrder(gone, (entry) => andThen(this.#terminate(entry, removal, 'shutdown', exit), () => undefined));
    return andThen(done, () => this.notify(exit, 'handleInfo'));
  }

  /** The manager terminates: terminate('stop') every handler, newest first. */
  stopAll(): Later<void> {
    const all = this.#handlers;
    this.#handlers = [];
    return forEachInOrder(all, (entry) => andThen(this.#terminate(entry, 'stop' satisfies HandlerRemoval, 'shutdown', 'stop'), () => undefined));
  }

  #find(id: HandlerId): Installed | undefined {
    return this.#handlers.find((entry) => entry.id === id);
  }

  #take(id: HandlerId): Installed | undefined {
    const entry = this.#find(id);
    if (entry !== undefined) this.#handlers = this.#handlers.filter((other) => other !== entry);
    return entry;
  }

  #replace(entry: Installed, survivor: Installed | undefined): void {
    this.#handlers = this.#handlers.flatMap((other) => (other !== entry ? [other] : survivor === undefined ? [] : [survivor]));
  }

  #invoke(entry: Installed, callback: 'handleEvent' | 'handleInfo' | 'handleCall', message: unknown): Later<Outcome> {
    const { handler } = entry;
    return attempt(() => (handler[callback] as (m: unknown, s: unknown, self: ProcessContext) => unknown).call(handler, message, entry.state, this.#host.self));
  }

  #dispatch(entry: Installed, message: unknown, callback: 'handleEvent' | 'handleInfo'): Later<Installed | undefined> {
    if (typeof entry.handler[callback] !== 'function') {
      // OTP's default handle_info: log and keep the handler.
      this.#host.self.logger.warn(`gen_event handler ${entry.id} in ${this.#host.managerName} has no handleInfo; dropped ${show(message)}`);
      return entry;
    }
    return andThen(this.#invoke(entry, callback, message), (outcome) => this.#apply(entry, outcome, message, callback));
  }

  // What a callback's outcome does to its handler: the handler to keep (maybe a swapped-in
  // one), or undefined once it has been terminated.
  #apply(entry: Installed, outcome: Outcome, lastIn: unknown, callback: string): Later<Installed | undefined> {
    const value = outcome.ok ? outcome.value : undefined;
    switch (outcome.ok ? verdictOf(value, callback) : 'bad') {
      case 'ok':
        entry.state = (value as { state: unknown }).state;
        return entry;
      case 'swap':
        return this.#swapInPlace(entry, value as SwapHandlerResult<unknown>);
      case 'remove':
        return andThen(this.#terminate(entry, 'remove_handler' satisfies HandlerRemoval, 'normal', lastIn), () => undefined);
      default: {
        const reason = failureOf(outcome, callback);
        const removal: HandlerRemoval = { kind: 'error', reason };
        return andThen(this.#terminate(entry, removal, reason, lastIn), () => undefined);
      }
    }
  }

  // A callback asked to be swapped: terminate it with its final state, init the new one in its place.
  #swapInPlace(entry: Installed, swap: SwapHandlerResult<unknown>): Later<Installed | undefined> {
    entry.state = swap.state;
    const how: SwappedReason = { kind: 'swapped', handler: swap.id, pid: entry.owner };
    return andThen(this.#terminate(entry, swap.terminateArgs, how, 'swap'), (outcome) =>
      andThen(this.#init(swap.id, swap.handler, { args: swap.args, previous: previousOf(outcome) }, entry.owner), (result) => {
        if (result.kind === 'ok') return result.entry;
        const failed: Installed = { id: swap.id, handler: swap.handler, state: undefined, owner: entry.owner };
        this.#report(failed, result.reason as ExitReason, 'swap');
        return undefined;
      }),
    );
  }

  #init(id: HandlerId, handler: AnyEventHandler, args: unknown, owner: Pid | undefined): Later<{ kind: 'ok'; entry: Installed } | { kind: 'error'; reason: unknown }> {
    return andThen(attempt(() => handler.init(args, this.#host.self)), (outcome) => {
      if (!outcome.ok) return { kind: 'error', reason: errorReason(outcome.error) };
      const value = outcome.value;
      if (isObject(value) && value.kind === 'ok' && 'state' in value && isNext(value.next)) {
        return { kind: 'ok', entry: { id, handler, state: value.state, owner } };
      }
      if (isObject(value) && value.kind === 'stop' && 'reason' in value) return { kind: 'error', reason: value.reason };
      return { kind: 'error', reason: { kind: 'bad_return_value', callback: 'init', value } };
    });
  }

  // OTP's do_terminate: terminate (if any), then report the removal; returns terminate's outcome.
  #terminate(entry: Installed, args: unknown, how: How, lastIn: unknown): Later<Outcome> {
    const { handler } = entry;
    const outcome = handler.terminate === undefined ? { ok: true as const, value: undefined } : attempt(() => handler.terminate!(args, entry.state, this.#host.self));
    return andThen(outcome, (result) => {
      this.#report(entry, how, lastIn);
      return result;
    });
  }

  #report(entry: Installed, how: How, lastIn: unknown): void {
    const { self, managerName } = this.#host;
    const logger = self.logger;
    const quiet = how === 'normal' || how === 'shutdown' || (typeof how === 'object' && how.kind === 'swapped');
    if (!quiet) {
      logger.error(
        `gen_event handler ${entry.id} crashed; installed in ${managerName}; last event: ${show(lastIn)}; reason: ${formatReason(how)}`,
        { handler: entry.id, manager: managerName, lastMessage: lastIn, state: entry.state, reason: how },
      );
    }
    if (entry.owner !== undefined) {
      const message: GenEventExitMessage = { kind: 'gen_event_EXIT', handler: entry.id, reason: how };
      self.send(entry.owner, message);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// gen_server's ok/reply may carry `next`: only hibernate (a no-op) means something here.
function isNext(next: unknown): boolean {
  return next === undefined || (isObject(next) && next.kind === 'hibernate');
}

function verdictOf(value: unknown, callback: string): Verdict {
  if (!isObject(value)) return 'bad';
  if (value.kind === (callback === 'handleCall' ? 'reply' : 'ok') && 'state' in value) return isNext(value.next) ? 'ok' : 'bad';
  if (value.kind === 'remove_handler') return 'remove';
  if (value.kind === 'swap_handler' && typeof value.id === 'string' && isObject(value.handler) && typeof value.handler.init === 'function') {
    return 'swap';
  }
  return 'bad';
}

// The reason a callback failed: what it threw, or the bad value it returned.
function failureOf(outcome: Outcome, callback: string): ExitReason {
  return outcome.ok ? { kind: 'bad_return_value', callback, value: outcome.value } : errorReason(outcome.error);
}

// What a swapped-in handler's init gets as `previous` (OTP: the term, or {'EXIT', Reason}).
function previousOf(outcome: Outcome): unknown {
  return outcome.ok ? outcome.value : errorReason(outcome.error);
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

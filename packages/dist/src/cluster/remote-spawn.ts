// Remote spawn (Erlang's spawn_request/4): functions registered by name, spawned on request
// with an atomic link and monitor, and the requesting side's bookkeeping.
import {
  ExitException,
  type Pid,
  type ProcessBody,
  type ProcessContext,
  ProcessExitedError,
  type Ref,
  type RemoteEndpoint,
  type Runtime,
} from '@troupe/runtime';
import type { ConnectionFrame, SpawnReplyFrame, SpawnRequestFrame } from '../wire/frame.js';

/**
 * A function other nodes may spawn or call by name (closures cannot travel). It runs as
 * the body of a new process: `self` is that process, `args` come from the caller. For
 * `rpc.call` its return value (or the settled value of a returned promise, or the
 * return of a generator) is the result.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RemoteFunction = (self: ProcessContext, ...args: any[]) => unknown;

/** The built-in function behind `rpc.call` (erpc's `execute_call`). Names starting with `$` are reserved. */
export const RPC_FUNCTION = '$rpc';

/** The result message the `$rpc` function sends to its caller. */
export interface RpcResultMessage {
  readonly kind: '$rpc_result';
  readonly ref: Ref;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: unknown;
}

/** The outcome of a spawn request: the new pid, or why there is none (`undef`, `noconnection`). */
export type SpawnOutcome = Pid | { readonly error: string };

interface Request {
  readonly node: string;
  readonly requester: Pid;
  readonly link: boolean;
  readonly monitor: boolean;
  readonly onReply: (outcome: SpawnOutcome) => void;
}

type Send = (node: string, frame: ConnectionFrame, sender: string | undefined, control: boolean) => void;

/**
 * Both sides of remote spawn. Serving: a `spawn_request` for a registered function
 * spawns it, links and/or monitors it for the requester before it runs, then answers
 * with its pid. Requesting: the answer's link and monitor halves are installed locally
 * (the monitor through `adoptMonitor`), so DOWN, demonitor and `noconnection` behave as
 * for any monitor.
 */
export class RemoteSpawner {
  readonly #runtime: Runtime;
  readonly #send: Send;
  readonly #functions = new Map<string, RemoteFunction>();
  readonly #requests = new Map<string, Request>();
  endpoint: RemoteEndpoint | undefined;

  constructor(runtime: Runtime, send: Send) {
    this.#runtime = runtime;
    this.#send = send;
    this.#functions.set(RPC_FUNCTION, rpcExecute(this.#functions));
  }

  register(name: string, fn: RemoteFunction): void {
    if (typeof name !== 'string' || name.length === 0 || name.startsWith('$')) {
      throw new TypeError(`registerFunction: name must be a non-empty string not starting with '$', got ${String(name)}`);
    }
    if (typeof fn !== 'function') throw new TypeError(`registerFunction: fn must be a function, got ${typeof fn}`);
    if (this.#functions.has(name)) throw new TypeError(`registerFunction: '${name}' is already registered`);
    this.#functions.set(name, fn);
  }

  unregister(name: string): boolean {
    return !name.startsWith('$') && this.#functions.delete(name);
  }

  /** The process body running registered `fn` with `args`, or undefined when there is no such function. */
  body(fn: string, args: readonly unknown[]): ProcessBody | undefined {
    const registered = this.#functions.get(fn);
    return registered === undefined ? undefined : (self: ProcessContext) => registered(self, ...args) as never;
  }

  /** Sends a spawn request for `requester`; `onReply` gets the outcome exactly once. */
  request(
    node: string,
    requester: Pid,
    ref: Ref,
    fn: string,
    args: readonly unknown[],
    options: { readonly link: boolean; readonly monitor: boolean },
    onReply: (outcome: SpawnOutcome) => void,
  ): void {
    const frame: ConnectionFrame = { t: 'spawn_request', ref, from: requester, fn, args, link: options.link, monitor: options.monitor };
    this.#send(node, frame, requester.key, true);
    this.#requests.set(ref.key, { node, requester, link: options.link, monitor: options.monitor, onReply });
  }

  /** Forgets a request whose caller gave up; a late pid is killed (erpc does the same). */
  abandon(ref: Ref): void {
    const request = this.#requests.get(ref.key);
    if (request !== undefined) {
      this.#requests.set(ref.key, { ...request, link: false, monitor: false, onReply: (outcome) => this.#kill(request, outcome) });
    }
  }

  /** Serves a request from `node`. */
  handleRequest(node: string, frame: SpawnRequestFrame): void {
    const { ref, from, fn, args } = frame;
    const body = this.body(fn, args);
    let result: SpawnOutcome;
    if (body === undefined) {
      result = { error: 'undef' };
    } else {
      try {
        result = this.#runtime.spawn(body);
        // Before the child runs (it never runs inside spawn): nothing it does can precede these.
        if (frame.link === true) this.endpoint?.link(from, result);
        if (frame.monitor === true) this.endpoint?.monitor(from, result, ref);
      } catch (error) {
        result = { error: (error as Error)?.message ?? String(error) };
      }
    }
    this.#send(node, { t: 'spawn_reply', ref, to: from, result }, undefined, true);
  }

  /** A reply to one of our requests. */
  handleReply(node: string, frame: SpawnReplyFrame): void {
    const request = this.#requests.get(frame.ref.key);
    if (request === undefined || request.node !== node) return;
    this.#requests.delete(frame.ref.key);
    const outcome = frame.result;
    if (typeof outcome === 'object' && 'error' in outcome) {
      request.onReply(outcome);
      return;
    }
    // The child's link exit and DOWN travel after this reply on the same connection.
    if (request.link) this.endpoint?.link(outcome, request.requester);
    if (request.monitor) this.endpoint?.adoptMonitor(request.requester, outcome, frame.ref);
    request.onReply(outcome);
  }

  /** `node` is down (or never came up): its requests fail (monitors fire through the runtime). */
  nodeDown(node: string): void {
    for (const [key, request] of this.#requests) {
      if (request.node !== node) continue;
      this.#requests.delete(key);
      request.onReply({ error: 'noconnection' });
    }
  }

  #kill(request: Request, outcome: SpawnOutcome): void {
    if (typeof outcome === 'object' && 'error' in outcome) return;
    this.#send(request.node, { t: 'exit2', from: request.requester, to: outcome, reason: 'kill' }, request.requester.key, true);
  }
}

// erpc's execute_call: run the named function, send its outcome to the caller, end normally.
// Exits (self.exit, a kill) are not outcomes: the caller sees them through its monitor.
function rpcExecute(functions: ReadonlyMap<string, RemoteFunction>): RemoteFunction {
  return (self, fnName: string, fnArgs: unknown[], replyTo: Pid, ref: Ref) => {
    const fn = functions.get(fnName);
    if (fn === undefined || fnName.startsWith('$')) return self.exit({ kind: 'undef', fn: fnName });
    const reply = (ok: boolean, outcome: unknown) => sendOutcome(self, replyTo, ref, ok, outcome);
    let result: unknown;
    try {
      result = fn(self, ...(Array.isArray(fnArgs) ? fnArgs : []));
    } catch (error) {
      return isExit(error) ? rethrow(error) : reply(false, error);
    }
    if (isIterator(result)) {
      const inner = result;
      return (function* () {
        let value: unknown;
        try {
          value = yield* inner as Generator<unknown, unknown, unknown>;
        } catch (error) {
          return isExit(error) ? rethrow(error) : reply(false, error);
        }
        reply(true, value);
      })();
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => reply(true, value),
        (error: unknown) => (isExit(error) ? rethrow(error) : reply(false, error)),
      );
    }
    reply(true, result);
  };
}

// A result that cannot travel is reported as the exception sending it raised (EncodeError);
// an exception that cannot travel, as a plain Error describing it.
function sendOutcome(self: ProcessContext, replyTo: Pid, ref: Ref, ok: boolean, outcome: unknown): void {
  const message: RpcResultMessage = ok ? { kind: '$rpc_result', ref, ok, value: outcome } : { kind: '$rpc_result', ref, ok, error: outcome };
  try {
    self.send(replyTo, message);
  } catch (error) {
    if (isExit(error)) throw error;
    const instead = ok ? error : new Error(`${describe(outcome)} (cannot be sent: ${describe(error)})`);
    self.send(replyTo, { kind: '$rpc_result', ref, ok: false, error: instead } satisfies RpcResultMessage);
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function isExit(error: unknown): boolean {
  return error instanceof ExitException || error instanceof ProcessExitedError;
}

function rethrow(error: unknown): never {
  throw error;
}

function isIterator(value: unknown): value is Iterator<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Iterator<unknown>).next === 'function' &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function';
}

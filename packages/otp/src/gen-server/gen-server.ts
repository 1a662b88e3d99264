// The gen_server API: start/startLink a callback module, call, cast, reply, stop.
import { call, cast } from '../gen/call.js';
import { reply } from '../gen/from.js';
import type { ServerPid, ServerRef, TypedServerRef } from '../gen/server-ref.js';
import { stop } from '../gen/stop.js';
import type { Caller, Operation } from '../proc/operation.js';
import { startBehaviour, type BehaviourStartOptions, type Starter, type StartResult } from '../proc/start.js';
import type { ArgsOf, CallOf, CastOf, GenServer as GenServerModule, ReplyOf, ServerTypes } from './callbacks.js';
import { ServerLoop } from './loop.js';

/** Options of `GenServer.start` and `GenServer.startLink`. */
export type GenServerStartOptions = BehaviourStartOptions;

/** The pid type `start` returns for a module of types `T`: typed for call and cast. */
export type ServerPidOf<T extends ServerTypes> = ServerPid<CallOf<T>, CastOf<T>, ReplyOf<T>>;

/** The trailing arguments of start: `args` may be left out when the module's init takes none. */
export type StartArgs<T extends ServerTypes> = undefined extends ArgsOf<T>
  ? [args?: ArgsOf<T>, options?: GenServerStartOptions]
  : [args: ArgsOf<T>, options?: GenServerStartOptions];

function startServer<C extends Caller, T extends ServerTypes>(
  caller: C,
  module: GenServerModule<T>,
  link: boolean,
  [args, options]: [unknown?, GenServerStartOptions?],
): Operation<C, StartResult<ServerPidOf<T>>> {
  checkModule(module);
  const body = serverBody(module as GenServerModule<ServerTypes>, args, 'gen_server');
  return startBehaviour(link ? 'GenServer.startLink' : 'GenServer.start', caller, body, link, options) as Operation<C, StartResult<ServerPidOf<T>>>;
}

function checkModule(module: unknown): void {
  if (typeof module !== 'object' || module === null || typeof (module as { init?: unknown }).init !== 'function') {
    throw new TypeError('GenServer.start: module must be a callback module object with an init function');
  }
  for (const name of ['handleCall', 'handleCast', 'handleInfo', 'handleContinue', 'terminate']) {
    const callback = (module as Record<string, unknown>)[name];
    if (callback !== undefined && typeof callback !== 'function') {
      throw new TypeError(`GenServer.start: module.${name} must be a function, got ${typeof callback}`);
    }
  }
}

/**
 * The gen_server API (Erlang's `gen_server` module). Every function takes the caller
 * first: a process's `self` (yield* or await the result) or a Runtime (a Promise).
 */
export const GenServer = {
  /**
   * Starts a server running `module`, not linked (`gen_server:start/3,4`), and returns
   * once its init has run: `{kind: 'ok', pid}` (a typed pid), `{kind: 'ignore'}` or
   * `{kind: 'error', reason}`.
   */
  start<C extends Caller, T extends ServerTypes>(
    caller: C,
    module: GenServerModule<T>,
    ...rest: StartArgs<T>
  ): Operation<C, StartResult<ServerPidOf<T>>> {
    return startServer(caller, module, false, rest);
  },

  /**
   * Starts a server linked to the calling process (`gen_server:start_link/3,4`) — the
   * form supervisors use. From a Runtime there is no process to link to: same as `start`.
   */
  startLink<C extends Caller, T extends ServerTypes>(
    caller: C,
    module: GenServerModule<T>,
    ...rest: StartArgs<T>
  ): Operation<C, StartResult<ServerPidOf<T>>> {
    return startServer(caller, module, true, rest);
  },

  /** `gen_server:call/3`: see {@link call}. Default timeout 5000 ms. */
  call,
  /** `gen_server:cast/2`: see {@link cast}. */
  cast,
  /** `gen_server:reply/2`: answers a call later, from anywhere. See {@link reply}. */
  reply,
  /** `gen_server:stop/3`: terminate with `reason` (default 'normal') and wait. See {@link stop}. */
  stop,

  /**
   * Types a reference to a server of types `T` (a registered name, say), so that call and
   * cast check requests against it: `GenServer.ref<CounterTypes>('counter')`.
   */
  ref<T extends ServerTypes>(server: ServerRef): TypedServerRef<CallOf<T>, CastOf<T>, ReplyOf<T>> {
    return server as TypedServerRef<CallOf<T>, CastOf<T>, ReplyOf<T>>;
  },
};

/**
 * The process body of a server running `module`, for behaviours built on gen_server (the
 * supervisor is one, as in OTP); `behaviour` names it in sys.getStatus and log lines.
 */
export function serverBody(module: GenServerModule<ServerTypes>, args: unknown, behaviour: string): (starter: Starter) => ServerLoop {
  return (starter) => new ServerLoop(module, args, starter, behaviour);
}

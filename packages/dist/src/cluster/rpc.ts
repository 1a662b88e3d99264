// rpc.call (Erlang's erpc:call/5): run a registered function on a node in a fresh process,
// and tell its result, its exception, its exit and a timeout apart.
import { type Clock, type Pid, type ProcessContext, type Ref, type Runtime, TIMEOUT, isDownMessage } from '@troupe/runtime';
import { DistributionStoppedError, RpcExceptionError, RpcExitError, RpcTimeoutError } from '../errors.js';
import { RPC_FUNCTION, type RemoteSpawner, type RpcResultMessage, type SpawnOutcome } from './remote-spawn.js';

interface SpawnReplyMessage {
  readonly kind: '$spawn_reply';
  readonly ref: Ref;
  readonly outcome: SpawnOutcome;
}

/** The rpc facade of a Cluster. */
export interface Rpc {
  /**
   * Calls the function registered as `fn` on `node` with `args`, in a new process there,
   * and resolves with its result — Erlang's `erpc:call(Node, Fun, Timeout)`. Works from
   * anywhere (inside a process too: `await` it, or `yield* self.await(...)`).
   *
   * Rejects with, distinctly:
   * - {@link RpcExceptionError} (`rpc_exception`) — the function threw; `exception` is what.
   * - {@link RpcExitError} (`rpc_exit`) — no result: the process exited first (`reason`
   *   as in a DOWN: `killed`, an `{kind: 'error'}` crash of a linked process, …), the
   *   node is unreachable or went down (`noconnection`), or nothing is registered as
   *   `fn` there (`{kind: 'undef', fn}`).
   * - {@link RpcTimeoutError} (`rpc_timeout`) — no answer within `timeoutMs`; the remote
   *   process is then killed.
   * @param timeoutMs default Infinity (as erpc's `infinity`).
   */
  call(node: string, fn: string, args?: readonly unknown[], timeoutMs?: number): Promise<unknown>;
}

/** Builds the rpc facade over a node's spawner. */
export function createRpc(runtime: Runtime, name: string, spawner: RemoteSpawner, clock: Clock, stopped: () => boolean): Rpc {
  async function run(self: ProcessContext, node: string, fn: string, args: readonly unknown[], timeoutMs: number): Promise<unknown> {
    const deadline = clock.now() + timeoutMs;
    const tag = self.makeRef();
    const spawnArgs = [fn, args, self.pid, tag];
    let child: Pid | undefined;
    let downRef = tag;
    if (node === name) {
      const spawned = self.spawnMonitor(spawner.body(RPC_FUNCTION, spawnArgs)!);
      child = spawned.pid;
      downRef = spawned.ref;
    } else {
      spawner.request(node, self.pid, tag, RPC_FUNCTION, spawnArgs, { link: false, monitor: true }, (outcome) =>
        runtime.send(self.pid, { kind: '$spawn_reply', ref: tag, outcome } satisfies SpawnReplyMessage),
      );
    }
    const ours = (message: unknown): boolean =>
      isDownMessage(message, downRef) ||
      (typeof message === 'object' && message !== null && tag.equals((message as { ref?: unknown }).ref) &&
        ((message as { kind?: unknown }).kind === '$rpc_result' || (message as { kind?: unknown }).kind === '$spawn_reply'));
    for (;;) {
      const message = await self.receive(ours, { after: Math.max(0, deadline - clock.now()) });
      if (message === TIMEOUT) {
        if (child !== undefined) self.exit(child, 'kill');
        else spawner.abandon(tag);
        throw new RpcTimeoutError(node, fn, timeoutMs);
      }
      if (isDownMessage(message)) throw new RpcExitError(node, fn, message.reason);
      const { kind } = message as RpcResultMessage | SpawnReplyMessage;
      if (kind === '$spawn_reply') {
        const { outcome } = message as SpawnReplyMessage;
        if (typeof outcome === 'object' && 'error' in outcome) {
          throw new RpcExitError(node, fn, outcome.error === 'undef' ? { kind: 'undef', fn } : outcome.error);
        }
        child = outcome;
        continue;
      }
      const result = message as RpcResultMessage;
      if (result.ok) return result.value;
      throw new RpcExceptionError(node, fn, result.error);
    }
  }

  return {
    call(node, fn, args = [], timeoutMs = Infinity) {
      if (typeof node !== 'string' || node.length === 0) throw new TypeError(`rpc.call: node must be a node name, got ${String(node)}`);
      if (typeof fn !== 'string' || fn.length === 0) throw new TypeError(`rpc.call: fn must be a registered function name, got ${String(fn)}`);
      if (!Array.isArray(args)) throw new TypeError('rpc.call: args must be an array');
      if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
        throw new TypeError(`rpc.call: timeoutMs must be a non-negative number or Infinity, got ${String(timeoutMs)}`);
      }
      if (stopped()) return Promise.reject(new DistributionStoppedError('rpc.call'));
      return new Promise<unknown>((resolve, reject) => {
        runtime.spawn(async (self) => {
          try {
            resolve(await run(self, node, fn, args, timeoutMs));
          } catch (error) {
            reject(error);
          }
        });
      });
    },
  };
}

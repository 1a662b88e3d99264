// ServerRef: how a behaviour process is addressed (pid, local name, {name, node}), and the
// typed variant that carries a server's request and reply types for the compiler.
import { isPid, type Pid, type ProcessContext, type RemoteName } from '@troupe/runtime';

/** A behaviour process: its pid, a locally registered name, or `{name, node}` (Erlang's server_ref()). */
export type ServerRef = Pid | string | RemoteName;

// Type-level only: never present at run time, so any ServerRef is assignable to a typed one
// while a typed one keeps its protocol for inference.
declare const protocol: unique symbol;

/** The request and reply types a server accepts, as carried by {@link TypedServerRef}. */
export interface ServerProtocol<Call, Cast, Reply> {
  readonly call: Call;
  readonly cast: Cast;
  readonly reply: Reply;
}

/**
 * A {@link ServerRef} that remembers what its server accepts: `call` and `cast` with a
 * typed ref reject a wrong request at compile time and type the reply. A plain ref is
 * accepted too (requests and replies are then `unknown`).
 */
export type TypedServerRef<Call = unknown, Cast = unknown, Reply = unknown> = ServerRef & {
  readonly [protocol]?: ServerProtocol<Call, Cast, Reply>;
};

/** A pid that is also a {@link TypedServerRef}: what a typed `start`/`startLink` returns. */
export type ServerPid<Call = unknown, Cast = unknown, Reply = unknown> = Pid & {
  readonly [protocol]?: ServerProtocol<Call, Cast, Reply>;
};

/** Throws a TypeError naming `fn` unless `server` is a ServerRef. */
export function checkServerRef(fn: string, server: unknown): asserts server is ServerRef {
  if (isPid(server)) return;
  if (typeof server === 'string' && server.length > 0) return;
  if (typeof server === 'object' && server !== null) {
    const { name, node } = server as Partial<RemoteName>;
    if (typeof name === 'string' && typeof node === 'string') return;
  }
  throw new TypeError(`${fn}: server must be a Pid, a registered name or {name, node}, got ${String(server)}`);
}

/** Whether `server` denotes the calling process itself. */
export function isSelf(self: ProcessContext, server: ServerRef): boolean {
  if (isPid(server)) return server.equals(self.pid);
  if (typeof server === 'string') return self.whereis(server)?.equals(self.pid) === true;
  return server.node === self.node && self.whereis(server.name)?.equals(self.pid) === true;
}

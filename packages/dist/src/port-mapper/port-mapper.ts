// ensurePortMapper: use the host's port mapper (epmd or a sibling node's embedded one), or start ours.
import { PortMapperError } from '../errors.js';
import { DEFAULT_HOST, checkHost, checkPort } from '../transport/transport.js';
import { EpmdClient } from './epmd-client.js';
import { EPMD_DEFAULT_PORT } from './epmd-protocol.js';
import { EpmdServer } from './epmd-server.js';

/** Where the host's port mapper is expected. */
export interface PortMapperOptions {
  /** Host of the port mapper, and where an embedded one binds; {@link DEFAULT_HOST} when omitted. */
  readonly host?: string;
  /** Port of the port mapper; 4369 when omitted. */
  readonly port?: number;
  /** Time each request may take. */
  readonly timeoutMs?: number;
}

/** A usable port mapper. */
export interface PortMapper {
  /** Talks to the port mapper, whoever runs it. */
  readonly client: EpmdClient;
  /** The embedded server when this call started it, else undefined. */
  readonly server: EpmdServer | undefined;
  /** Stops the embedded server if this call started it (ending every registration it holds). */
  close(): Promise<void>;
}

// Two nodes starting at once both find no port mapper; one binds, the other gets
// EADDRINUSE and then finds the first one. More rounds only cover a port mapper
// that dies while we look, so a few are enough.
const ATTEMPTS = 3;

/**
 * Finds the port mapper at `host:port`, or starts the embedded one there when none
 * answers — as an Erlang node starts epmd when there is none. A running epmd (or
 * another node's embedded server) is used as it is.
 *
 * The embedded server lives as long as this process: when it goes away, the other
 * nodes' registrations end (their `closed` resolves) and they must call this again
 * and register anew.
 * @throws PortMapperError when something answers at the address but is not a port mapper.
 */
export async function ensurePortMapper(options: PortMapperOptions = {}): Promise<PortMapper> {
  const host = checkHost('ensurePortMapper', options.host ?? DEFAULT_HOST);
  const port = checkPort('ensurePortMapper', options.port ?? EPMD_DEFAULT_PORT);
  if (port === 0) throw new TypeError('ensurePortMapper: port must be a fixed port, not 0 (other nodes must find it)');
  const client = new EpmdClient({ host, port, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      await client.names();
      return { client, server: undefined, close: async () => {} };
    } catch (error) {
      if (!(error instanceof PortMapperError && error.code === 'unreachable')) throw error;
      lastError = error;
    }
    try {
      const server = await EpmdServer.start({ host, port });
      return { client, server, close: () => server.close() };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
      lastError = error;
    }
  }
  throw new PortMapperError('unreachable', `no port mapper at ${host}:${port}, and none could be started`, { cause: lastError });
}

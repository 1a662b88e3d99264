// PeerDirectory: node name → host:port, from a static list or the port mapper on the node's host (erl_epmd).
import { NodeUnreachableError, PortMapperError } from '../errors.js';
import { EpmdClient } from '../port-mapper/epmd-client.js';
import { checkHost, checkPort } from '../transport/transport.js';
import { aliveName, hostOf, isNodeName } from './node-name.js';

/** Where a node listens. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of a {@link PeerDirectory}. */
export interface PeerDirectoryOptions {
  /** Known addresses, consulted first (a static peer list). */
  readonly peers?: Readonly<Record<string, PeerAddress>>;
  /** Port of the port mapper on every host; undefined when there is none to ask. */
  readonly portMapperPort?: number | undefined;
  /** Time one port mapper lookup may take. */
  readonly timeoutMs?: number;
}

/**
 * Finds where a node listens: its static entry if it has one, else the port it
 * registered with the port mapper on its host (the host part of its name) — Erlang's
 * `erl_epmd:port_please/2`. Without a port mapper, only static entries resolve.
 */
export class PeerDirectory {
  readonly #static = new Map<string, PeerAddress>();
  readonly #portMapperPort: number | undefined;
  readonly #timeoutMs: number | undefined;

  constructor(options: PeerDirectoryOptions = {}) {
    this.#portMapperPort = options.portMapperPort;
    this.#timeoutMs = options.timeoutMs;
    for (const [node, address] of Object.entries(options.peers ?? {})) this.add(node, address);
  }

  /** Records (or replaces) the address of `node`. */
  add(node: string, address: PeerAddress): void {
    if (!isNodeName(node)) throw new TypeError(`peer directory: node must look like name@host, got '${String(node)}'`);
    if (typeof address !== 'object' || address === null) throw new TypeError(`peer directory: address of ${node} must be {host, port}`);
    checkHost('peer directory', address.host);
    checkPort('peer directory', address.port);
    this.#static.set(node, { host: address.host, port: address.port });
  }

  /**
   * The address of `node`.
   * @throws NodeUnreachableError `no_address` (no entry, no port mapper), `not_registered`,
   * or `port_mapper_<code>` when the port mapper could not answer.
   */
  async resolve(node: string): Promise<PeerAddress> {
    const known = this.#static.get(node);
    if (known !== undefined) return known;
    if (this.#portMapperPort === undefined) throw new NodeUnreachableError(node, 'no_address');
    const host = hostOf(node);
    const client = new EpmdClient({
      host,
      port: this.#portMapperPort,
      ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
    });
    let port: number | undefined;
    try {
      port = await client.lookup(aliveName(node));
    } catch (error) {
      const code = error instanceof PortMapperError ? error.code : 'error';
      throw new NodeUnreachableError(node, `port_mapper_${code}`, { cause: error });
    }
    if (port === undefined) throw new NodeUnreachableError(node, 'not_registered');
    return { host, port };
  }
}

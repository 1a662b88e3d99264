// EpmdClient: talks to a port mapper (Erlang's epmd, or our embedded one) — Erlang's erl_epmd.
import { type Socket, createConnection } from 'node:net';
import { PortMapperError } from '../errors.js';
import { DEFAULT_HOST, checkHost, checkPort, checkTimeout } from '../transport/transport.js';
import {
  DIST_VERSION,
  EPMD_DEFAULT_PORT,
  type EpmdName,
  NODE_TYPE_HIDDEN,
  NODE_TYPE_NORMAL,
  PROTOCOL_TCP_IPV4,
  alive2Request,
  checkNodeName,
  namesRequest,
  parseAlive2Response,
  parseNamesResponse,
  parsePort2Response,
  portPlease2Request,
} from './epmd-protocol.js';

/** Default time one port mapper request may take. */
export const DEFAULT_EPMD_TIMEOUT_MS = 5_000;

/** Where the port mapper is. */
export interface EpmdClientOptions {
  /** Host of the port mapper; {@link DEFAULT_HOST} when omitted. */
  readonly host?: string;
  /** Port of the port mapper; 4369 when omitted. */
  readonly port?: number;
  /** Time each request may take (connecting included). */
  readonly timeoutMs?: number;
}

/** Options of {@link EpmdClient.register}. */
export interface RegisterOptions {
  /** Register as a hidden node (epmd node type 72 instead of 77). */
  readonly hidden?: boolean;
  /** Opaque bytes stored with the registration (epmd's Extra field). */
  readonly extra?: Uint8Array;
}

/**
 * A live registration. It lasts exactly as long as its TCP connection to the port
 * mapper (epmd's rule): {@link close} unregisters, and if the port mapper goes away
 * (an embedded one dies with its node) `closed` resolves and the name must be registered
 * again with a new port mapper.
 */
export interface PortMapperRegistration {
  readonly name: string;
  readonly port: number;
  /** The creation the port mapper assigned (Erlang uses it to tell node incarnations apart). */
  readonly creation: number;
  /** Resolves when the registration ends, for whatever reason. */
  readonly closed: Promise<void>;
  /** Unregisters; resolves once the connection is closed. */
  close(): Promise<void>;
}

/**
 * A client of the epmd protocol. Stateless: every request opens its own connection,
 * as erl_epmd does. Erlang equivalent: `erl_epmd:register_node/2`, `port_please/2`,
 * `names/1`.
 */
export class EpmdClient {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;

  constructor(options: EpmdClientOptions = {}) {
    this.host = checkHost('EpmdClient', options.host ?? DEFAULT_HOST);
    this.port = checkPort('EpmdClient', options.port ?? EPMD_DEFAULT_PORT);
    this.timeoutMs = checkTimeout('EpmdClient', 'timeoutMs', options.timeoutMs, DEFAULT_EPMD_TIMEOUT_MS);
  }

  /**
   * Registers `name` (the part before `@`) as listening on `port`.
   * @throws PortMapperError `register_failed` when the name is taken by a live node.
   */
  async register(name: string, port: number, options: RegisterOptions = {}): Promise<PortMapperRegistration> {
    checkNodeName('EpmdClient.register', name);
    checkPort('EpmdClient.register', port);
    if (options.extra !== undefined && !(options.extra instanceof Uint8Array)) {
      throw new TypeError('EpmdClient.register: extra must be bytes');
    }
    const request = alive2Request({
      name,
      port,
      nodeType: options.hidden === true ? NODE_TYPE_HIDDEN : NODE_TYPE_NORMAL,
      protocol: PROTOCOL_TCP_IPV4,
      highestVersion: DIST_VERSION,
      lowestVersion: DIST_VERSION,
      extra: Buffer.from(options.extra ?? []),
    });
    const socket = await this.#connect();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    try {
      const answer = await this.#read(socket, request, (bytes) => parseAlive2Response(bytes));
      if (!answer.ok) throw new PortMapperError('register_failed', `the port mapper refused to register '${name}' (taken?)`);
      socket.setKeepAlive(true);
      return {
        name,
        port,
        creation: answer.creation,
        closed,
        close: () => {
          socket.destroy();
          return closed;
        },
      };
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  /** The port `name` is registered with, or undefined (Erlang's `port_please`). */
  async lookup(name: string): Promise<number | undefined> {
    checkNodeName('EpmdClient.lookup', name);
    const socket = await this.#connect();
    const node = await this.#read(socket, portPlease2Request(name), (bytes, ended) =>
      ended ? parsePort2Response(bytes) : undefined,
    );
    socket.destroy();
    return node === null ? undefined : node.port;
  }

  /** Every registered name with its port (Erlang's `net_adm:names/0`). */
  async names(): Promise<EpmdName[]> {
    const socket = await this.#connect();
    const answer = await this.#read(socket, namesRequest(), (bytes, ended) =>
      ended ? parseNamesResponse(bytes) : undefined,
    );
    socket.destroy();
    return answer.names;
  }

  #connect(): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const socket = createConnection({ host: this.host, port: this.port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new PortMapperError('timeout', `no port mapper answered at ${this.host}:${this.port} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new PortMapperError('unreachable', `no port mapper at ${this.host}:${this.port}: ${error.message}`, { cause: error }));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(socket);
      });
    });
  }

  // Writes `request` and collects the answer until `parse` returns a value (it sees
  // `ended` once the server has closed). Rejects on timeout or an early close.
  #read<T>(socket: Socket, request: Buffer, parse: (bytes: Buffer, ended: boolean) => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (error: unknown, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
        if (error === undefined) resolve(value as T);
        else {
          socket.destroy();
          reject(error);
        }
      };
      const attempt = (ended: boolean) => {
        try {
          const value = parse(Buffer.concat(chunks), ended);
          if (value !== undefined) finish(undefined, value);
          else if (ended) finish(new PortMapperError('bad_response', 'the port mapper closed before answering'));
        } catch (error) {
          finish(error);
        }
      };
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        attempt(false);
      };
      const onEnd = () => attempt(true);
      const timer = setTimeout(
        () => finish(new PortMapperError('timeout', `the port mapper did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      socket.on('error', () => {}); // surfaces as 'close'; the registration's owner learns from `closed`
      socket.on('data', onData);
      socket.once('end', onEnd);
      socket.once('close', onEnd);
      socket.write(request);
    });
  }
}

// EpmdServer: an embedded port mapper speaking epmd's protocol, for hosts with no epmd running.
import { randomInt } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';
import { DEFAULT_HOST, checkHost, checkPort, checkTimeout } from '../transport/transport.js';
import {
  ALIVE2_REQ,
  EPMD_DEFAULT_PORT,
  type EpmdName,
  type EpmdNode,
  NAMES_REQ,
  PORT_PLEASE2_REQ,
  alive2Response,
  namesResponse,
  parseAlive2Request,
  port2Response,
} from './epmd-protocol.js';

/** Default time a connection may take to send its request (epmd's packet_timeout is 60 s). */
export const DEFAULT_PACKET_TIMEOUT_MS = 60_000;

/** Where the embedded port mapper listens. */
export interface EpmdServerOptions {
  /** Address to bind; {@link DEFAULT_HOST} when omitted. */
  readonly host?: string;
  /** Port to bind; 4369 when omitted, 0 for any free port (tests). */
  readonly port?: number;
  /** Drop a connection that has not sent a complete request within this time. */
  readonly packetTimeoutMs?: number;
}

interface Registered {
  readonly node: EpmdNode;
  readonly socket: Socket;
}

/**
 * A port mapper serving ALIVE2_REQ, PORT_PLEASE2_REQ and NAMES_REQ like epmd. A name
 * stays registered while its registering connection is open; a second live registration
 * of the same name is refused, and so is a registration from another host (lookups from
 * other hosts are served when bound to a non-loopback address). Other epmd requests
 * (kill, stop, dump) are not served.
 */
export class EpmdServer {
  readonly host: string;
  readonly port: number;
  readonly #server: Server;
  readonly #nodes = new Map<string, Registered>();
  readonly #sockets = new Set<Socket>();
  readonly #packetTimeoutMs: number;
  #nextCreation = randomInt(4, 0x7fff_ffff);

  private constructor(server: Server, host: string, port: number, packetTimeoutMs: number) {
    this.#server = server;
    this.host = host;
    this.port = port;
    this.#packetTimeoutMs = packetTimeoutMs;
  }

  /**
   * Binds and starts serving. Rejects with the bind error, e.g. `EADDRINUSE` when a port
   * mapper (ours or epmd) already listens there.
   */
  static async start(options: EpmdServerOptions = {}): Promise<EpmdServer> {
    const host = checkHost('EpmdServer.start', options.host ?? DEFAULT_HOST);
    const port = checkPort('EpmdServer.start', options.port ?? EPMD_DEFAULT_PORT);
    const packetTimeoutMs = checkTimeout('EpmdServer.start', 'packetTimeoutMs', options.packetTimeoutMs, DEFAULT_PACKET_TIMEOUT_MS);
    let self: EpmdServer | undefined;
    const server = createServer({ noDelay: true }, (socket) => {
      if (self === undefined) socket.destroy();
      else self.#accept(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {});
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('EpmdServer: server has no TCP address');
    self = new EpmdServer(server, address.address, address.port, packetTimeoutMs);
    return self;
  }

  /** The live registrations, as NAMES_REQ would list them. */
  names(): EpmdName[] {
    return [...this.#nodes.values()].map(({ node }) => ({ name: node.name, port: node.port }));
  }

  /** Stops listening and closes every connection, which ends every registration. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    socket.setTimeout(this.#packetTimeoutMs, () => socket.destroy());
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 2) return;
      const bytes = Buffer.concat(chunks);
      const length = bytes.readUInt16BE(0);
      if (bytes.length < 2 + length) return;
      // One request per connection, as with epmd; anything after it is ignored.
      socket.off('data', onData);
      this.#serve(socket, bytes.subarray(2, 2 + length));
    };
    socket.on('data', onData);
  }

  #serve(socket: Socket, request: Buffer): void {
    switch (request[0]) {
      case ALIVE2_REQ:
        return this.#register(socket, request);
      case PORT_PLEASE2_REQ: {
        const entry = this.#nodes.get(request.toString('utf8', 1));
        socket.end(port2Response(entry?.node));
        return;
      }
      case NAMES_REQ:
        socket.end(namesResponse(this.port, this.names()));
        return;
      default:
        socket.destroy();
    }
  }

  #register(socket: Socket, request: Buffer): void {
    const node = parseAlive2Request(request);
    // As epmd: only nodes on this host may register; remote hosts may only look up.
    if (node === undefined || socket.destroyed || !isLoopback(socket.remoteAddress)) return void socket.destroy();
    const extended = node.highestVersion >= 6;
    if (this.#nodes.has(node.name)) {
      socket.end(alive2Response(false, 0, extended));
      return;
    }
    const creation = this.#creation(extended);
    this.#nodes.set(node.name, { node, socket });
    socket.setTimeout(0); // a registration connection is idle for its whole life
    socket.on('close', () => {
      if (this.#nodes.get(node.name)?.socket === socket) this.#nodes.delete(node.name);
    });
    socket.write(alive2Response(true, creation, extended));
  }

  // Creations are never 0 and change with every registration. Old (16-bit) nodes only
  // know creations 1..3, as epmd hands them out.
  #creation(extended: boolean): number {
    const creation = this.#nextCreation;
    this.#nextCreation = creation >= 0xffff_fffe ? 4 : creation + 1;
    return extended ? creation : (creation % 3) + 1;
  }
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

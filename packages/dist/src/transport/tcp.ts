// TCP transport over node:net (Erlang's inet_tcp_dist): loopback unless told otherwise, Nagle off.
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { DialTimeoutError } from '../errors.js';
import {
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_HOST,
  type DialOptions,
  type ListenOptions,
  type Listener,
  type Transport,
  checkHost,
  checkPort,
  checkTimeout,
} from './transport.js';

/**
 * The TCP {@link Transport}. Every socket has `setNoDelay(true)`: frames are small
 * and latency-bound (ticks, signals), and the connection layer batches writes itself.
 */
export class TcpTransport implements Transport {
  async listen(options: ListenOptions): Promise<Listener> {
    if (typeof options?.onConnection !== 'function') {
      throw new TypeError('TcpTransport.listen: options.onConnection must be a function');
    }
    const host = checkHost('TcpTransport.listen', options.host ?? DEFAULT_HOST);
    const port = checkPort('TcpTransport.listen', options.port ?? 0);
    const onConnection = options.onConnection;
    const server = createServer({ noDelay: true }, (socket) => {
      socket.setNoDelay(true);
      onConnection(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // After binding, a server error (rare: e.g. EMFILE on accept) must not crash the process.
    server.on('error', () => {});
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('TcpTransport.listen: server has no TCP address');
    return new TcpListener(server, address.address, address.port);
  }

  async dial(host: string, port: number, options: DialOptions = {}): Promise<Duplex> {
    checkHost('TcpTransport.dial', host);
    checkPort('TcpTransport.dial', port);
    const timeoutMs = checkTimeout('TcpTransport.dial', 'timeoutMs', options.timeoutMs, DEFAULT_DIAL_TIMEOUT_MS);
    return await new Promise<Socket>((resolve, reject) => {
      const socket = createConnection({ host, port, noDelay: true });
      const onError = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(() => {
        socket.off('error', onError);
        socket.destroy();
        reject(new DialTimeoutError(host, port, timeoutMs));
      }, timeoutMs);
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(socket);
      });
    });
  }
}

class TcpListener implements Listener {
  readonly #server: Server;

  constructor(
    server: Server,
    readonly host: string,
    readonly port: number,
  ) {
    this.#server = server;
  }

  close(): Promise<void> {
    // Only the listening socket closes here (libuv releases the port synchronously).
    // server.close()'s own callback would also wait for every accepted socket to end,
    // and those belong to whoever received them.
    if (this.#server.listening) this.#server.close();
    return Promise.resolve();
  }
}

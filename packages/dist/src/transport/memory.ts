// In-memory transport: connected Duplex pairs in one process, for fast tests of everything above bytes.
import { Duplex } from 'node:stream';
import {
  DEFAULT_HOST,
  type DialOptions,
  type ListenOptions,
  type Listener,
  type Transport,
  checkHost,
  checkPort,
} from './transport.js';

/**
 * One end of an in-memory connection. Bytes written here are read at the other end
 * on a later turn of the event loop (never synchronously), in order, copied. A full
 * reader holds the writer's callback, so backpressure works as with a socket.
 * Ending or destroying one side ends the other's readable side after the bytes already
 * sent; the other side then closes itself once it has read them (allowHalfOpen is off),
 * as a TCP socket does when its peer closes.
 */
class MemorySocket extends Duplex {
  #peer: MemorySocket | undefined;
  // The peer's write callback, held while this side's read buffer is full.
  #blockedWriter: (() => void) | undefined;

  constructor() {
    super({ allowHalfOpen: false });
  }

  static pair(): [MemorySocket, MemorySocket] {
    const a = new MemorySocket();
    const b = new MemorySocket();
    a.#peer = b;
    b.#peer = a;
    return [a, b];
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.#peer;
    if (peer === undefined) return callback(closedError());
    const copy = Buffer.from(chunk);
    setImmediate(() => {
      if (peer.destroyed || peer.readableEnded) return callback();
      if (peer.push(copy)) callback();
      else peer.#blockedWriter = callback;
    });
  }

  override _read(): void {
    const writer = this.#blockedWriter;
    this.#blockedWriter = undefined;
    writer?.();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const peer = this.#peer;
    setImmediate(() => {
      if (peer !== undefined && !peer.destroyed) peer.push(null);
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.#peer;
    this.#peer = undefined;
    // A writer blocked on our full buffer must not hang: its bytes are dropped, as on a reset.
    this.#release();
    if (peer !== undefined) {
      peer.#release();
      setImmediate(() => {
        if (!peer.destroyed) peer.push(null);
      });
    }
    callback(error);
  }

  #release(): void {
    const writer = this.#blockedWriter;
    this.#blockedWriter = undefined;
    writer?.();
  }
}

function closedError(): Error {
  return Object.assign(new Error('write EPIPE: the other end is closed'), { code: 'EPIPE' });
}

/** A connected pair of in-memory Duplex streams: what one writes, the other reads. */
export function createDuplexPair(): [Duplex, Duplex] {
  return MemorySocket.pair();
}

/**
 * The shared address space of in-memory transports: transports created on the same
 * network can dial each other's listeners by host and port.
 */
export class MemoryNetwork {
  readonly #listeners = new Map<string, (socket: Duplex) => void>();
  #nextPort = 20_000;

  /** @internal */
  bind(host: string, port: number, onConnection: (socket: Duplex) => void): number {
    let bound = port;
    if (bound === 0) {
      while (this.#listeners.has(`${host}:${this.#nextPort}`)) this.#nextPort++;
      bound = this.#nextPort++;
    }
    const key = `${host}:${bound}`;
    if (this.#listeners.has(key)) {
      throw Object.assign(new Error(`listen EADDRINUSE: address already in use ${key}`), { code: 'EADDRINUSE' });
    }
    this.#listeners.set(key, onConnection);
    return bound;
  }

  /** @internal */
  unbind(host: string, port: number): void {
    this.#listeners.delete(`${host}:${port}`);
  }

  /** @internal */
  connect(host: string, port: number): Duplex {
    const onConnection = this.#listeners.get(`${host}:${port}`);
    if (onConnection === undefined) {
      throw Object.assign(new Error(`connect ECONNREFUSED ${host}:${port}`), { code: 'ECONNREFUSED' });
    }
    const [dialer, acceptor] = MemorySocket.pair();
    // Accepting happens on a later turn, as with a real listener.
    setImmediate(() => onConnection(acceptor));
    return dialer;
  }
}

/**
 * A {@link Transport} over in-memory streams. Give several nodes' transports the same
 * {@link MemoryNetwork} to connect them; no socket or port of the OS is used.
 */
export class MemoryTransport implements Transport {
  readonly network: MemoryNetwork;

  constructor(network: MemoryNetwork = new MemoryNetwork()) {
    if (!(network instanceof MemoryNetwork)) throw new TypeError('MemoryTransport: network must be a MemoryNetwork');
    this.network = network;
  }

  async listen(options: ListenOptions): Promise<Listener> {
    if (typeof options?.onConnection !== 'function') {
      throw new TypeError('MemoryTransport.listen: options.onConnection must be a function');
    }
    const host = checkHost('MemoryTransport.listen', options.host ?? DEFAULT_HOST);
    const port = this.network.bind(host, checkPort('MemoryTransport.listen', options.port ?? 0), options.onConnection);
    const network = this.network;
    let open = true;
    return {
      host,
      port,
      close: async () => {
        if (open) network.unbind(host, port);
        open = false;
      },
    };
  }

  async dial(host: string, port: number, _options?: DialOptions): Promise<Duplex> {
    checkHost('MemoryTransport.dial', host);
    checkPort('MemoryTransport.dial', port);
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.network.connect(host, port);
  }
}

// Transport: the byte-stream interfaces the distribution layer dials and listens through.
import type { Duplex } from 'node:stream';

/** The host every transport binds and dials unless told otherwise: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';

/** Default time a dial may take to connect (Erlang's net_setuptime is 7 s). */
export const DEFAULT_DIAL_TIMEOUT_MS = 7_000;

/** What to listen on, and who receives accepted connections. */
export interface ListenOptions {
  /** Address to bind; {@link DEFAULT_HOST} when omitted. */
  readonly host?: string;
  /** Port to bind; 0 (the default) picks a free one. */
  readonly port?: number;
  /**
   * Called once per accepted connection. The callee owns the stream from then on:
   * it must attach an `'error'` listener and eventually destroy it.
   */
  readonly onConnection: (socket: Duplex) => void;
}

/** A bound listener. */
export interface Listener {
  /** The bound address. */
  readonly host: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops accepting. Connections already handed to `onConnection` stay open. */
  close(): Promise<void>;
}

/** Options of one dial. */
export interface DialOptions {
  /** Give up (DialTimeoutError) if not connected within this time. */
  readonly timeoutMs?: number;
}

/**
 * A way to carry bytes between nodes (Erlang's `inet_tcp_dist` is one). Streams are
 * plain Node Duplex streams; framing, the handshake and everything above sit on top.
 */
export interface Transport {
  /** Binds and starts accepting; resolves once bound (rejects e.g. with EADDRINUSE). */
  listen(options: ListenOptions): Promise<Listener>;
  /**
   * Connects; resolves with the stream once connected (rejects e.g. with ECONNREFUSED,
   * or DialTimeoutError). The caller owns the stream and must attach an `'error'`
   * listener in the same tick it receives it.
   */
  dial(host: string, port: number, options?: DialOptions): Promise<Duplex>;
}

/** Checks a port argument: an integer from 0 to 65535. */
export function checkPort(caller: string, port: unknown): number {
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65_535) {
    throw new TypeError(`${caller}: port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  return port as number;
}

/** Checks a host argument: a non-empty string. */
export function checkHost(caller: string, host: unknown): string {
  if (typeof host !== 'string' || host.length === 0) {
    throw new TypeError(`${caller}: host must be a non-empty string, got ${String(host)}`);
  }
  return host;
}

/** Checks an optional timeout: a positive integer number of milliseconds. */
export function checkTimeout(caller: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new TypeError(`${caller}: ${name} must be a positive integer (ms), got ${String(value)}`);
  }
  return value as number;
}

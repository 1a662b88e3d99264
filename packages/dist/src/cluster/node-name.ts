// Node names: `name@host`, completed from a short form as Erlang's `-sname` does.
import { hostname } from 'node:os';
import { MAX_NAME_BYTES } from '../port-mapper/epmd-protocol.js';

const FULL_NAME = /^[^@\s]+@[^@\s]+$/;
const ALIVE = /^[^@\s]+$/;

/**
 * The full node name for `name`: `'a@127.0.0.1'` and `'a@db1.example.com'` (long names)
 * and `'a@db1'` (a short name) are kept; a bare `'a'` gets this machine's short host
 * name, as `erl -sname a` does. The part before `@` (epmd's "alive" name) is at most
 * 255 bytes. Peers reach a node by resolving the host part of its name.
 */
export function resolveNodeName(name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`node name must be a string, got ${typeof name}`);
  const full = ALIVE.test(name) ? `${name}@${shortHostname()}` : name;
  if (!FULL_NAME.test(full)) throw new TypeError(`node name must look like name@host, got '${name}'`);
  if (Buffer.byteLength(aliveName(full)) > MAX_NAME_BYTES) {
    throw new TypeError(`node name: the part before '@' must be at most ${MAX_NAME_BYTES} bytes`);
  }
  return full;
}

/** `'a'` of `'a@host'`: the name registered with the port mapper. */
export function aliveName(node: string): string {
  return node.slice(0, node.indexOf('@'));
}

/** `'host'` of `'a@host'`: where the node and its port mapper are reached. */
export function hostOf(node: string): string {
  return node.slice(node.indexOf('@') + 1);
}

/** True for a syntactically valid full node name. */
export function isNodeName(value: unknown): value is string {
  return typeof value === 'string' && FULL_NAME.test(value);
}

function shortHostname(): string {
  return hostname().split('.')[0] || 'localhost';
}

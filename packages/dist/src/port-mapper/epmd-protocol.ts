// The epmd wire format ("Distribution Protocol", EPMD section): requests, responses, parsers.
// Pure bytes, shared by the client and the embedded server. Integers are big-endian.
import { PortMapperError } from '../errors.js';

/** The port epmd listens on by default. */
export const EPMD_DEFAULT_PORT = 4369;

/** Register a node; the connection stays open for as long as the registration lives. */
export const ALIVE2_REQ = 120;
/** Answer to ALIVE2_REQ with a 32-bit creation (distribution version 6 and later). */
export const ALIVE2_X_RESP = 118;
/** Answer to ALIVE2_REQ with a 16-bit creation (older nodes). */
export const ALIVE2_RESP = 121;
/** Ask for a node's port. */
export const PORT_PLEASE2_REQ = 122;
/** Answer to PORT_PLEASE2_REQ. */
export const PORT2_RESP = 119;
/** List the registered names. */
export const NAMES_REQ = 110;

/** Node type of a normal (visible) node. */
export const NODE_TYPE_NORMAL = 77;
/** Node type of a hidden node. */
export const NODE_TYPE_HIDDEN = 72;
/** Protocol field value for TCP over IPv4. */
export const PROTOCOL_TCP_IPV4 = 0;
/** The distribution version we register: 6 makes epmd answer with ALIVE2_X_RESP (32-bit creation). */
export const DIST_VERSION = 6;

/** Longest node name epmd stores, in bytes (MAXSYMLEN). */
export const MAX_NAME_BYTES = 255;

/** One registration as epmd stores it. */
export interface EpmdNode {
  readonly name: string;
  readonly port: number;
  readonly nodeType: number;
  readonly protocol: number;
  readonly highestVersion: number;
  readonly lowestVersion: number;
  readonly extra: Buffer;
}

/** A name and port, as NAMES_REQ lists them. */
export interface EpmdName {
  readonly name: string;
  readonly port: number;
}

/** Checks a node name argument for epmd: 1 to 255 bytes of UTF-8. */
export function checkNodeName(caller: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new TypeError(`${caller}: name must be a string of 1 to ${MAX_NAME_BYTES} bytes, got ${String(name)}`);
  }
  return name;
}

/** Prefixes a request body with its 2-byte length, as every epmd request is. */
export function withLength(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeUInt16BE(body.length, 0);
  body.copy(out, 2);
  return out;
}

/** ALIVE2_REQ, length included. */
export function alive2Request(node: EpmdNode): Buffer {
  const name = Buffer.from(node.name, 'utf8');
  const body = Buffer.allocUnsafe(13 + name.length + node.extra.length);
  writeNodeRecord(body, body.writeUInt8(ALIVE2_REQ, 0), node, name);
  return withLength(body);
}

/** PORT_PLEASE2_REQ, length included. */
export function portPlease2Request(name: string): Buffer {
  return withLength(Buffer.concat([Buffer.of(PORT_PLEASE2_REQ), Buffer.from(name, 'utf8')]));
}

/** NAMES_REQ, length included. */
export function namesRequest(): Buffer {
  return withLength(Buffer.of(NAMES_REQ));
}

/** Parses an ALIVE2_REQ body (after the length); undefined if malformed. */
export function parseAlive2Request(body: Buffer): EpmdNode | undefined {
  if (body.length < 13 || body[0] !== ALIVE2_REQ) return undefined;
  const nameLength = body.readUInt16BE(9);
  if (nameLength === 0 || body.length < 13 + nameLength) return undefined;
  const extraLength = body.readUInt16BE(11 + nameLength);
  if (body.length !== 13 + nameLength + extraLength) return undefined;
  return {
    port: body.readUInt16BE(1),
    nodeType: body[3]!,
    protocol: body[4]!,
    highestVersion: body.readUInt16BE(5),
    lowestVersion: body.readUInt16BE(7),
    name: body.toString('utf8', 11, 11 + nameLength),
    extra: Buffer.from(body.subarray(13 + nameLength)),
  };
}

/** ALIVE2_X_RESP (32-bit creation) or, for old nodes, ALIVE2_RESP (16-bit creation). */
export function alive2Response(ok: boolean, creation: number, extended: boolean): Buffer {
  const result = ok ? 0 : 1;
  if (extended) {
    const out = Buffer.allocUnsafe(6);
    out.writeUInt8(ALIVE2_X_RESP, 0);
    out.writeUInt8(result, 1);
    out.writeUInt32BE(creation, 2);
    return out;
  }
  const out = Buffer.allocUnsafe(4);
  out.writeUInt8(ALIVE2_RESP, 0);
  out.writeUInt8(result, 1);
  out.writeUInt16BE(creation & 0xffff, 2);
  return out;
}

/**
 * Parses the answer to ALIVE2_REQ: undefined while incomplete.
 * @throws PortMapperError `bad_response` for anything else.
 */
export function parseAlive2Response(bytes: Buffer): { ok: boolean; creation: number } | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes[0] === ALIVE2_X_RESP) {
    return bytes.length < 6 ? undefined : { ok: bytes[1] === 0, creation: bytes.readUInt32BE(2) };
  }
  if (bytes[0] === ALIVE2_RESP) {
    return bytes.length < 4 ? undefined : { ok: bytes[1] === 0, creation: bytes.readUInt16BE(2) };
  }
  throw new PortMapperError('bad_response', `unexpected answer to ALIVE2_REQ (first byte ${bytes[0]})`);
}

/** PORT2_RESP: the node's entry, or the "not registered" answer. */
export function port2Response(node: EpmdNode | undefined): Buffer {
  if (node === undefined) return Buffer.of(PORT2_RESP, 1);
  const name = Buffer.from(node.name, 'utf8');
  const out = Buffer.allocUnsafe(14 + name.length + node.extra.length);
  writeNodeRecord(out, out.writeUInt8(0, out.writeUInt8(PORT2_RESP, 0)), node, name);
  return out;
}

// The node record ALIVE2_REQ and PORT2_RESP share: port, node type, protocol, highest and
// lowest version, then the length-prefixed name and extra.
function writeNodeRecord(out: Buffer, from: number, node: EpmdNode, name: Buffer): void {
  let at = out.writeUInt16BE(node.port, from);
  at = out.writeUInt8(node.nodeType, at);
  at = out.writeUInt8(node.protocol, at);
  at = out.writeUInt16BE(node.highestVersion, at);
  at = out.writeUInt16BE(node.lowestVersion, at);
  at = out.writeUInt16BE(name.length, at);
  at += name.copy(out, at);
  at = out.writeUInt16BE(node.extra.length, at);
  node.extra.copy(out, at);
}

/**
 * Parses a complete PORT2_RESP (the server closes after it): the entry, or null when
 * the name is not registered.
 * @throws PortMapperError `bad_response` when malformed or truncated.
 */
export function parsePort2Response(bytes: Buffer): EpmdNode | null {
  const bad = (why: string) => new PortMapperError('bad_response', `bad PORT2_RESP: ${why}`);
  if (bytes.length < 2 || bytes[0] !== PORT2_RESP) throw bad(`starts with ${bytes.length === 0 ? 'nothing' : bytes[0]}`);
  if (bytes[1] !== 0) return null;
  if (bytes.length < 14) throw bad('truncated');
  const nameLength = bytes.readUInt16BE(10);
  if (bytes.length < 14 + nameLength) throw bad('truncated name');
  const extraLength = bytes.readUInt16BE(12 + nameLength);
  if (bytes.length < 14 + nameLength + extraLength) throw bad('truncated extra');
  return {
    port: bytes.readUInt16BE(2),
    nodeType: bytes[4]!,
    protocol: bytes[5]!,
    highestVersion: bytes.readUInt16BE(6),
    lowestVersion: bytes.readUInt16BE(8),
    name: bytes.toString('utf8', 12, 12 + nameLength),
    extra: Buffer.from(bytes.subarray(14 + nameLength, 14 + nameLength + extraLength)),
  };
}

/** The answer to NAMES_REQ: epmd's own port, then one `name N at port P` line per node. */
export function namesResponse(epmdPort: number, names: readonly EpmdName[]): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(epmdPort, 0);
  return Buffer.concat([head, Buffer.from(names.map(({ name, port }) => `name ${name} at port ${port}\n`).join(''), 'utf8')]);
}

const NAME_LINE = /^name (.+) at port (\d+)$/;

/**
 * Parses a complete NAMES_REQ answer (the server closes after it).
 * @throws PortMapperError `bad_response` when it is not one.
 */
export function parseNamesResponse(bytes: Buffer): { epmdPort: number; names: EpmdName[] } {
  if (bytes.length < 4) throw new PortMapperError('bad_response', 'NAMES answer shorter than its 4-byte port');
  const names: EpmdName[] = [];
  for (const line of bytes.toString('utf8', 4).split('\n')) {
    if (line === '') continue;
    const match = NAME_LINE.exec(line);
    if (match === null) throw new PortMapperError('bad_response', `unexpected NAMES line ${JSON.stringify(line)}`);
    names.push({ name: match[1]!, port: Number(match[2]) });
  }
  return { epmdPort: bytes.readUInt32BE(0), names };
}

import { describe, expect, it } from 'vitest';
import { PortMapperError } from '../../src/errors.js';
import {
  ALIVE2_REQ,
  ALIVE2_RESP,
  ALIVE2_X_RESP,
  type EpmdNode,
  NAMES_REQ,
  PORT2_RESP,
  PORT_PLEASE2_REQ,
  alive2Request,
  alive2Response,
  checkNodeName,
  namesRequest,
  namesResponse,
  parseAlive2Request,
  parseAlive2Response,
  parseNamesResponse,
  parsePort2Response,
  port2Response,
  portPlease2Request,
} from '../../src/port-mapper/epmd-protocol.js';

const node: EpmdNode = {
  name: 'alpha',
  port: 50123,
  nodeType: 77,
  protocol: 0,
  highestVersion: 6,
  lowestVersion: 5,
  extra: Buffer.from('troupe'),
};

describe('epmd protocol', () => {
  it('lays out ALIVE2_REQ as the Distribution Protocol documents it', () => {
    const bytes = alive2Request(node);
    expect(bytes.readUInt16BE(0)).toBe(bytes.length - 2);
    expect([...bytes.subarray(2, 13)]).toEqual([ALIVE2_REQ, 0xc3, 0xcb, 77, 0, 0, 6, 0, 5, 0, 5]);
    expect(bytes.toString('utf8', 13, 18)).toBe('alpha');
    expect(bytes.readUInt16BE(18)).toBe(6);
    expect(bytes.toString('utf8', 20)).toBe('troupe');
    expect(parseAlive2Request(bytes.subarray(2))).toEqual(node);
  });

  it('rejects malformed ALIVE2_REQ bodies', () => {
    const body = alive2Request(node).subarray(2);
    expect(parseAlive2Request(body.subarray(0, 12))).toBeUndefined();
    expect(parseAlive2Request(body.subarray(0, body.length - 1))).toBeUndefined();
    expect(parseAlive2Request(Buffer.concat([body, Buffer.of(0)]))).toBeUndefined();
    expect(parseAlive2Request(alive2Request({ ...node, name: '' }).subarray(2))).toBeUndefined();
  });

  it('answers ALIVE2 with a 32-bit creation for version 6, a 16-bit one before', () => {
    expect([...alive2Response(true, 0x01020304, true)]).toEqual([ALIVE2_X_RESP, 0, 1, 2, 3, 4]);
    expect([...alive2Response(false, 0, true)]).toEqual([ALIVE2_X_RESP, 1, 0, 0, 0, 0]);
    expect([...alive2Response(true, 3, false)]).toEqual([ALIVE2_RESP, 0, 0, 3]);
    expect(parseAlive2Response(alive2Response(true, 0xfffffffe, true))).toEqual({ ok: true, creation: 0xfffffffe });
    expect(parseAlive2Response(alive2Response(false, 2, false))).toEqual({ ok: false, creation: 2 });
    expect(parseAlive2Response(Buffer.of(ALIVE2_X_RESP, 0, 0))).toBeUndefined();
    expect(parseAlive2Response(Buffer.alloc(0))).toBeUndefined();
    expect(() => parseAlive2Response(Buffer.of(1, 2, 3))).toThrow(PortMapperError);
  });

  it('asks for a port with PORT_PLEASE2_REQ and reads PORT2_RESP', () => {
    expect([...portPlease2Request('ab')]).toEqual([0, 3, PORT_PLEASE2_REQ, 0x61, 0x62]);
    expect(parsePort2Response(port2Response(node))).toEqual(node);
    expect([...port2Response(undefined)]).toEqual([PORT2_RESP, 1]);
    expect(parsePort2Response(port2Response(undefined))).toBeNull();
    const whole = port2Response(node);
    for (let cut = 2; cut < whole.length; cut++) {
      expect(() => parsePort2Response(whole.subarray(0, cut))).toThrow(/truncated/);
    }
    expect(() => parsePort2Response(Buffer.of(42, 0))).toThrow(PortMapperError);
  });

  it('lists names with NAMES_REQ', () => {
    expect([...namesRequest()]).toEqual([0, 1, NAMES_REQ]);
    const bytes = namesResponse(4369, [
      { name: 'alpha', port: 1 },
      { name: 'b-2', port: 65535 },
    ]);
    expect(bytes.toString('utf8', 4)).toBe('name alpha at port 1\nname b-2 at port 65535\n');
    expect(parseNamesResponse(bytes)).toEqual({
      epmdPort: 4369,
      names: [
        { name: 'alpha', port: 1 },
        { name: 'b-2', port: 65535 },
      ],
    });
    expect(parseNamesResponse(namesResponse(1, []))).toEqual({ epmdPort: 1, names: [] });
    expect(() => parseNamesResponse(Buffer.of(0, 0))).toThrow(/shorter/);
    expect(() => parseNamesResponse(Buffer.concat([Buffer.alloc(4), Buffer.from('hello\n')]))).toThrow(/unexpected NAMES line/);
  });

  it('accepts node names of 1 to 255 bytes', () => {
    expect(checkNodeName('t', 'a'.repeat(255))).toHaveLength(255);
    expect(() => checkNodeName('t', '')).toThrow(TypeError);
    expect(() => checkNodeName('t', 'é'.repeat(128))).toThrow(/255 bytes/);
  });
});

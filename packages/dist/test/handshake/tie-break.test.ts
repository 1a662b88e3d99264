import { describe, expect, it } from 'vitest';
import { type ExistingConnection, acceptStatus, compareNodeNames } from '../../src/handshake/tie-break.js';

describe('compareNodeNames', () => {
  it('orders names by code point, like Erlang atoms', () => {
    expect(compareNodeNames('a@h', 'b@h')).toBeLessThan(0);
    expect(compareNodeNames('b@h', 'a@h')).toBeGreaterThan(0);
    expect(compareNodeNames('a@h', 'a@h')).toBe(0);
    expect(compareNodeNames('Z@h', 'a@h')).toBeLessThan(0);
    expect(compareNodeNames('ab@h', 'a@h')).toBeGreaterThan(0);
    // UTF-16 order would put U+1F600 (a surrogate pair) before U+FF5E; code points do not.
    expect(compareNodeNames('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
  });
});

describe('acceptStatus', () => {
  it('answers ok to a new node, alive to a connected one, nok while a replacement is pending', () => {
    expect(acceptStatus('a@h', 'b@h', 'none')).toBe('ok');
    expect(acceptStatus('a@h', 'b@h', 'up')).toBe('alive');
    expect(acceptStatus('a@h', 'b@h', 'up_pending')).toBe('nok');
  });

  it('on a simultaneous connect, lets the node with the greater name keep its own dial', () => {
    // b > a: b refuses a's dial (nok) and keeps its own; a accepts b's dial (ok_simultaneous).
    expect(acceptStatus('b@h', 'a@h', 'pending')).toBe('nok');
    expect(acceptStatus('a@h', 'b@h', 'pending')).toBe('ok_simultaneous');
  });

  it('leaves exactly one of two crossing connections, whatever the names', () => {
    const names = ['a@h', 'b@h', 'node10@h', 'node9@h', 'x@host', 'x@hosu', 'é@h'];
    for (const x of names) {
      for (const y of names) {
        if (x === y) continue;
        // x dialed y and y dialed x; each side answers the other's dial.
        const xAnswersY = acceptStatus(x, y, 'pending');
        const yAnswersX = acceptStatus(y, x, 'pending');
        const survivors = [xAnswersY, yAnswersX].filter((s) => s === 'ok_simultaneous');
        expect(survivors).toHaveLength(1);
        expect([xAnswersY, yAnswersX].filter((s) => s === 'nok')).toHaveLength(1);
      }
    }
  });

  it('refuses a peer that claims our own name', () => {
    for (const existing of ['none', 'pending', 'up', 'up_pending'] as ExistingConnection[]) {
      expect(acceptStatus('a@h', 'a@h', existing)).toBe('not_allowed');
    }
  });

  it('checks its arguments', () => {
    expect(() => acceptStatus('', 'b', 'none')).toThrow(/localName/);
    expect(() => acceptStatus('a', 1 as unknown as string, 'none')).toThrow(/peerName/);
    expect(() => acceptStatus('a', 'b', 'maybe' as ExistingConnection)).toThrow(/existing/);
  });
});

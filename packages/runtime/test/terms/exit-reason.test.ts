// ExitReason helpers: what counts as a crash, how thrown values become reasons, and how
// reasons print.
import { describe, expect, it } from 'vitest';
import { errorReason, formatReason, isCrash, isExitReason, shutdownWith } from '@troupe/runtime';

describe('isCrash', () => {
  it.each(['normal', 'shutdown'])('does not count %s as a crash', (reason) => {
    expect(isCrash(reason)).toBe(false);
  });

  it('does not count {kind: shutdown, detail} as a crash', () => {
    expect(isCrash(shutdownWith('bye'))).toBe(false);
  });

  it.each(['kill', 'killed', 'noproc', 'boom'])('counts the atom %s as a crash', (reason) => {
    expect(isCrash(reason)).toBe(true);
  });

  it('counts an error reason and any other tagged reason as a crash', () => {
    expect(isCrash(errorReason(new Error('x')))).toBe(true);
    expect(isCrash({ kind: 'mailbox_overflow', limit: 3 })).toBe(true);
  });
});

describe('errorReason', () => {
  it('keeps the thrown Error and its stack', () => {
    const error = new Error('bad');
    expect(errorReason(error)).toEqual({ kind: 'error', error, stack: error.stack });
  });

  it('wraps a thrown non-Error without a stack', () => {
    expect(errorReason('oops')).toEqual({ kind: 'error', error: 'oops' });
  });
});

describe('isExitReason', () => {
  it('accepts strings and objects with a string kind, and nothing else', () => {
    expect(isExitReason('normal')).toBe(true);
    expect(isExitReason({ kind: 'shutdown', detail: 1 })).toBe(true);
    expect(isExitReason({ kind: 1 })).toBe(false);
    expect(isExitReason(null)).toBe(false);
    expect(isExitReason(42)).toBe(false);
  });
});

describe('formatReason', () => {
  it('prints atoms as they are', () => {
    expect(formatReason('killed')).toBe('killed');
  });

  it('prints an error reason with the error name and message', () => {
    expect(formatReason(errorReason(new RangeError('too big')))).toBe('error: RangeError: too big');
    expect(formatReason(errorReason(7))).toBe('error: 7');
  });

  it('prints a tagged reason as JSON, even one holding a bigint or a cycle', () => {
    expect(formatReason(shutdownWith({ n: 1n }))).toBe('{"kind":"shutdown","detail":{"n":"1n"}}');
    const cyclic: { kind: string; self?: unknown } = { kind: 'loop' };
    cyclic.self = cyclic;
    expect(formatReason(cyclic)).toBe('[object Object]');
  });
});

// CompactMap: the small-key map processes keep monitors in (arrays, then a Map past 8 entries).
import { describe, expect, it } from 'vitest';
import { CompactMap } from '../../src/process/compact-map.js';

describe('CompactMap', () => {
  it('gets, replaces and deletes like a Map, for number and string keys', () => {
    const map = new CompactMap<number | string, string>();
    map.set(1, 'a').set('k', 'b').set(1, 'c');
    expect(map.size).toBe(2);
    expect(map.get(1)).toBe('c');
    expect(map.get('k')).toBe('b');
    expect(map.has('1')).toBe(false);
    expect(map.delete(1)).toBe(true);
    expect(map.delete(1)).toBe(false);
    expect(map.get(1)).toBeUndefined();
    expect([...map]).toEqual([['k', 'b']]);
  });

  it('keeps insertion order across deletes in the middle', () => {
    const map = new CompactMap<number, number>();
    for (let i = 0; i < 5; i++) map.set(i, i * 10);
    map.delete(2);
    map.set(7, 70);
    expect([...map.values()]).toEqual([0, 10, 30, 40, 70]);
  });

  it('moves to a Map past eight entries without losing order or entries', () => {
    const map = new CompactMap<number, number>();
    for (let i = 0; i < 20; i++) map.set(i, i);
    expect(map.size).toBe(20);
    expect([...map.values()]).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let i = 0; i < 20; i += 2) expect(map.delete(i)).toBe(true);
    expect([...map].map(([key]) => key)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(map.get(19)).toBe(19);
    expect(map.get(18)).toBeUndefined();
  });

  it('serves an add-then-remove cycle (one per gen_server call) from the same small arrays', () => {
    const map = new CompactMap<number, string>();
    for (let i = 0; i < 10_000; i++) {
      map.set(i, 'entry');
      expect(map.get(i)).toBe('entry');
      map.delete(i);
    }
    expect(map.size).toBe(0);
    expect([...map]).toEqual([]);
  });
});

// Checks supervisor(3) "Supervision Principles, Restart Strategy": which children a
// one_for_one, one_for_all or rest_for_one supervisor restarts when one terminates.
import { describe, expect, it } from 'vitest';
import { affectedChildren } from '../../src/supervisor/strategies.js';

describe('affectedChildren', () => {
  const children = ['a', 'b', 'c', 'd'];
  it('one_for_one: only the terminated child', () => expect(affectedChildren('one_for_one', children, 1)).toEqual(['b']));
  it('one_for_all: every child, in start order', () => expect(affectedChildren('one_for_all', children, 1)).toEqual(children));
  it('rest_for_one: the child and those started after it', () => expect(affectedChildren('rest_for_one', children, 1)).toEqual(['b', 'c', 'd']));
});

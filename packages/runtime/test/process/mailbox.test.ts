// Mailbox: the message queue with the positions selective receive relies on.
import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../src/process/mailbox.js';
import { NodeHandle } from '../../src/terms/node-handle.js';
import { Ref } from '../../src/terms/ref.js';

const node = new NodeHandle('test@localhost', 1, 0);
const ref = (id: number): Ref => new Ref(node, id);

function filled(...messages: unknown[]): Mailbox {
  const mailbox = new Mailbox();
  for (const message of messages) mailbox.push(message);
  return mailbox;
}

describe('Mailbox', () => {
  it('takes messages from the head in arrival order', () => {
    const mailbox = filled('a', 'b', 'c');
    expect(mailbox.length).toBe(3);
    expect(mailbox.take(mailbox.head)).toBe('a');
    expect(mailbox.take(mailbox.head)).toBe('b');
    expect(mailbox.snapshot()).toEqual(['c']);
  });

  it('keeps the order of the others when a message is taken from the middle', () => {
    const mailbox = filled(1, 2, 3, 4);
    expect(mailbox.take(mailbox.head + 2)).toBe(3);
    expect(mailbox.snapshot()).toEqual([1, 2, 4]);
  });

  it('finds the first message without matchers, and -1 when empty', () => {
    const mailbox = filled('x', 'y');
    expect(mailbox.find(mailbox.head, null)).toBe(mailbox.head);
    expect(new Mailbox().find(0, null)).toBe(-1);
  });

  it('finds the first message that one matcher accepts', () => {
    const mailbox = filled(1, 'two', 3, 'four');
    expect(mailbox.at(mailbox.find(mailbox.head, [(m) => typeof m === 'string']))).toBe('two');
    expect(mailbox.find(mailbox.head, [(m) => m === 'five'])).toBe(-1);
  });

  it('finds the first message that any of several matchers accepts', () => {
    const mailbox = filled(1, 'two', 3);
    const index = mailbox.find(mailbox.head, [(m) => m === 3, (m) => m === 'two']);
    expect(mailbox.at(index)).toBe('two');
  });

  it('finds from a given position only', () => {
    const mailbox = filled('a', 'b', 'a');
    expect(mailbox.find(mailbox.head + 1, [(m) => m === 'a'])).toBe(mailbox.head + 2);
  });

  it('starts a receive since a marked ref after the messages queued before the mark', () => {
    const mailbox = filled('old1', 'old2');
    const marked = ref(1);
    mailbox.mark(marked);
    mailbox.push('new');
    expect(mailbox.at(mailbox.startFor(marked))).toBe('new');
  });

  it('starts at the head for an unmarked ref or no ref', () => {
    const mailbox = filled('old');
    mailbox.mark(ref(1));
    mailbox.push('new');
    expect(mailbox.startFor(ref(2))).toBe(mailbox.head);
    expect(mailbox.startFor(undefined)).toBe(mailbox.head);
  });

  it('keeps the mark on the same message when an earlier one is taken', () => {
    const mailbox = filled('a', 'b', 'c');
    const marked = ref(1);
    mailbox.mark(marked);
    mailbox.push('after');
    mailbox.take(mailbox.head + 1);
    expect(mailbox.at(mailbox.startFor(marked))).toBe('after');
  });

  it('keeps content, order and mark across compaction of a long-consumed head', () => {
    const mailbox = new Mailbox();
    for (let i = 0; i < 1500; i++) mailbox.push(i);
    const marked = ref(1);
    mailbox.mark(marked);
    for (let i = 1500; i < 1510; i++) mailbox.push(i);
    for (let i = 0; i < 1100; i++) expect(mailbox.take(mailbox.head)).toBe(i);
    expect(mailbox.length).toBe(410);
    expect(mailbox.snapshot()).toEqual(Array.from({ length: 410 }, (_, i) => 1100 + i));
    expect(mailbox.at(mailbox.startFor(marked))).toBe(1500);
  });

  it('removes the messages a predicate selects, keeping the order of the rest', () => {
    const mailbox = filled(1, 2, 3, 4, 5, 6);
    expect(mailbox.removeWhere((m) => (m as number) % 2 === 0)).toBe(3);
    expect(mailbox.snapshot()).toEqual([1, 3, 5]);
  });

  it('removes only from a given position on, and never before the head', () => {
    const mailbox = filled(1, 2, 3, 4, 5, 6);
    expect(mailbox.removeWhere((m) => (m as number) % 2 === 0, mailbox.head + 3)).toBe(2);
    expect(mailbox.snapshot()).toEqual([1, 2, 3, 5]);
    mailbox.take(mailbox.head);
    expect(mailbox.removeWhere((m) => m === 2, mailbox.head - 5)).toBe(1);
    expect(mailbox.snapshot()).toEqual([3, 5]);
  });

  it('returns a snapshot that does not change the queue when mutated', () => {
    const mailbox = filled('a');
    mailbox.snapshot().push('b');
    expect(mailbox.snapshot()).toEqual(['a']);
  });

  it('resets the scan position to the head whenever a message is taken', () => {
    const mailbox = filled('a', 'b', 'c');
    mailbox.scan = mailbox.end;
    mailbox.take(mailbox.head + 1);
    expect(mailbox.scan).toBe(mailbox.head);
  });

  it('drops everything, mark included, on clear', () => {
    const mailbox = filled('a', 'b');
    const marked = ref(1);
    mailbox.mark(marked);
    mailbox.clear();
    expect(mailbox.length).toBe(0);
    mailbox.push('c');
    expect(mailbox.startFor(marked)).toBe(mailbox.head);
  });
});

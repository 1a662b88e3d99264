// Mailbox: the message queue with the positions selective receive relies on.
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from '../../src/process/chunked-slots.js';
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

/** A mailbox holding 0, 1, … count - 1 (positions equal the messages). */
function counted(count: number): Mailbox {
  const mailbox = new Mailbox();
  for (let i = 0; i < count; i++) mailbox.push(i);
  return mailbox;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

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

  it('removes consecutive messages from the head, whatever the predicate says of others', () => {
    // A predicate that accepts anything but 2 (undefined included) once made the scan
    // step behind the head it had just advanced.
    const mailbox = filled(1, 3, 2, 4);
    expect(mailbox.removeWhere((m) => m !== 2)).toBe(3);
    expect(mailbox.snapshot()).toEqual([2]);
    expect(filled(1, 2, 3).removeWhere(() => true)).toBe(3);
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

  it('allocates no slots until the first message', () => {
    const mailbox = new Mailbox();
    expect(mailbox.capacity).toBe(0);
    mailbox.mark(ref(1));
    expect(mailbox.find(mailbox.startFor(ref(1)), [() => true])).toBe(-1);
    expect(mailbox.capacity).toBe(0);
  });
});

// Past CHUNK_SIZE queued messages the ring hands over to fixed chunks; these tests cross
// that threshold and the chunk boundaries.
describe('Mailbox beyond its ring', () => {
  const C = CHUNK_SIZE;

  it('takes more than three chunks of messages from the head in order, then starts again at 0', () => {
    const count = 4 * C + 7;
    const mailbox = counted(count);
    expect(mailbox.length).toBe(count);
    expect(mailbox.end).toBe(count);
    for (let i = 0; i < count; i++) {
      expect(mailbox.head).toBe(i);
      expect(mailbox.at(mailbox.head)).toBe(i);
      expect(mailbox.take(mailbox.head)).toBe(i);
    }
    expect(mailbox.length).toBe(0);
    expect([mailbox.head, mailbox.end, mailbox.scan]).toEqual([0, 0, 0]);
    mailbox.push('again');
    expect([mailbox.head, mailbox.end]).toEqual([0, 1]);
    expect(mailbox.take(0)).toBe('again');
  });

  it('keeps the order when the ring it outgrows had wrapped around', () => {
    const mailbox = counted(C);
    for (let i = 0; i < 300; i++) mailbox.take(mailbox.head);
    for (let i = C; i < 2 * C + 300; i++) mailbox.push(i); // fills the wrapped ring, then spills into chunks
    expect(mailbox.head).toBe(300);
    expect(mailbox.snapshot()).toEqual(range(300, 2 * C + 300));
    for (let p = mailbox.head; p < mailbox.end; p++) expect(mailbox.at(p)).toBe(p);
  });

  it('takes from the middle across chunk boundaries, shifting the later messages back by one', () => {
    const mailbox = counted(3 * C + 10);
    expect(mailbox.take(C - 1)).toBe(C - 1); // the last slot of the first chunk
    expect(mailbox.take(5)).toBe(5);
    expect(mailbox.take(2 * C)).toBe(2 * C + 2); // positions past the taken ones dropped by two
    const expected = range(0, 3 * C + 10).filter((m) => m !== C - 1 && m !== 5 && m !== 2 * C + 2);
    expect(mailbox.end).toBe(3 * C + 7);
    expect(mailbox.snapshot()).toEqual(expected);
    expected.forEach((message, i) => expect(mailbox.at(i)).toBe(message));
    mailbox.push('last');
    expect(mailbox.at(mailbox.end - 1)).toBe('last');
    expect(mailbox.at(mailbox.end - 2)).toBe(3 * C + 9);
  });

  it('keeps the newest chunk as its spare when a middle take empties it, and reuses it on the next push', () => {
    const mailbox = counted(2 * C + 1); // the last message alone in the third chunk
    const held = mailbox.capacity;
    expect(held).toBe(3 * C);
    expect(mailbox.take(1)).toBe(1);
    expect(mailbox.end).toBe(2 * C);
    expect(mailbox.at(2 * C - 1)).toBe(2 * C);
    for (let round = 0; round < 3 * C; round++) {
      mailbox.push(`new ${round}`); // opens the third chunk again
      expect(mailbox.at(2 * C)).toBe(`new ${round}`);
      // Taking the last of the second chunk moves the new message back into it.
      expect(mailbox.take(2 * C - 1)).toBe(round === 0 ? 2 * C : `new ${round - 1}`);
      expect(mailbox.at(2 * C - 1)).toBe(`new ${round}`);
    }
    expect(mailbox.end).toBe(2 * C);
    expect(mailbox.capacity).toBe(held);
    expect(mailbox.snapshot()).toEqual([0, ...range(2, 2 * C), `new ${3 * C - 1}`]);
  });

  it('finds from positions in different chunks', () => {
    const mailbox = counted(4 * C);
    const multipleOf = (k: number) => (m: unknown) => (m as number) % k === 0 && (m as number) > 0;
    expect(mailbox.find(0, [multipleOf(C)])).toBe(C);
    expect(mailbox.find(C + 1, [multipleOf(C)])).toBe(2 * C);
    expect(mailbox.find(2 * C, [multipleOf(C)])).toBe(2 * C);
    expect(mailbox.find(3 * C + 1, [multipleOf(C)])).toBe(-1);
    expect(mailbox.find(C - 3, [(m) => m === 3 * C + 5])).toBe(3 * C + 5);
    expect(mailbox.find(C - 3, [(m) => m === 'absent', (m) => m === 2 * C - 1])).toBe(2 * C - 1);
    expect(mailbox.find(2 * C + 3, [(m) => m === 'absent', (m) => m === 2 * C - 1])).toBe(-1);
    expect(mailbox.find(4 * C - 1, [(m) => m === 4 * C - 1])).toBe(4 * C - 1);
    expect(mailbox.find(3 * C, null)).toBe(3 * C);
    expect(mailbox.find(4 * C, null)).toBe(-1);
  });

  it('keeps a mark on the same message when earlier ones are taken across chunks', () => {
    const mailbox = counted(C + 500);
    const marked = ref(1);
    mailbox.mark(marked);
    expect(mailbox.markIndex).toBe(C + 500);
    for (let i = 0; i < C + 10; i++) mailbox.push(`after ${i}`);
    mailbox.take(3); // in the first chunk
    mailbox.take(C + 2); // in the second
    expect(mailbox.markIndex).toBe(C + 498);
    expect(mailbox.at(mailbox.startFor(marked))).toBe('after 0');
    mailbox.take(C + 498 + 5); // after the mark: no change
    expect(mailbox.at(mailbox.startFor(marked))).toBe('after 0');
    for (let i = 0; i < C + 498; i++) mailbox.take(mailbox.head);
    expect(mailbox.startFor(marked)).toBe(mailbox.head);
    expect(mailbox.take(mailbox.find(mailbox.startFor(marked), [(m) => m === 'after 1']))).toBe('after 1');
  });

  it('removes the messages a predicate selects across chunks, from a given position on', () => {
    const mailbox = counted(3 * C);
    const everyThird = (m: unknown) => (m as number) % 3 === 0;
    expect(mailbox.removeWhere(everyThird, C + 1)).toBe(range(C + 1, 3 * C).filter(everyThird).length);
    expect(mailbox.snapshot()).toEqual(range(0, 3 * C).filter((m) => m <= C || !everyThird(m)));
    const left = mailbox.length;
    expect(mailbox.removeWhere(() => true)).toBe(left);
    expect([mailbox.length, mailbox.head, mailbox.end]).toEqual([0, 0, 0]);
  });

  it('snapshots the queue with the head inside a chunk', () => {
    const mailbox = counted(3 * C + 3);
    for (let i = 0; i < C + 17; i++) mailbox.take(mailbox.head);
    const copy = mailbox.snapshot();
    expect(copy).toEqual(range(C + 17, 3 * C + 3));
    copy.pop();
    expect(mailbox.length).toBe(2 * C - 14);
  });

  it('lets go of the chunks when it empties, keeping one chunk as its ring', () => {
    const mailbox = counted(5 * C);
    expect(mailbox.capacity).toBeGreaterThanOrEqual(5 * C);
    mailbox.removeWhere(() => true);
    expect(mailbox.capacity).toBe(C);
    expect([mailbox.head, mailbox.end]).toEqual([0, 0]);
    for (let i = 0; i < C; i++) mailbox.push(i); // fits the kept ring
    expect(mailbox.capacity).toBe(C);
    mailbox.push(C);
    expect(mailbox.snapshot()).toEqual(range(0, C + 1));
  });

  it('holds memory that follows the queue while it slides over chunk boundaries', () => {
    const mailbox = counted(C + 5);
    let next = C + 5;
    for (let cycle = 0; cycle < 40 * C; cycle++) {
      mailbox.push(next++);
      expect(mailbox.take(mailbox.head)).toBe(next - C - 6);
    }
    // Two chunks touched by the queue and one spare at most.
    expect(mailbox.capacity).toBeLessThanOrEqual(3 * C);
    expect(mailbox.snapshot()).toEqual(range(next - C - 5, next));
    expect(mailbox.at(mailbox.head)).toBe(mailbox.head);
  });

  it('shrinks after a burst is mostly drained', () => {
    const mailbox = counted(20 * C);
    for (let i = 0; i < 18 * C; i++) mailbox.take(mailbox.head);
    expect(mailbox.capacity).toBeLessThanOrEqual(3 * C + C);
    expect(mailbox.snapshot()).toEqual(range(18 * C, 20 * C));
  });

  it('drops its chunks on clear and starts again from nothing', () => {
    const mailbox = counted(3 * C);
    mailbox.clear();
    expect([mailbox.length, mailbox.capacity]).toEqual([0, 0]);
    mailbox.push('fresh');
    expect([mailbox.head, mailbox.end, mailbox.at(0)]).toEqual([0, 1, 'fresh']);
  });

  it('agrees with a plain array under a long random mix of operations', () => {
    // The model: an array and the position of its first element, with the documented rules.
    const mailbox = new Mailbox();
    const model: number[] = [];
    let head = 0;
    let markIndex = 0;
    const marked = ref(7);
    let seed = 2024;
    const random = (n: number): number => {
      seed = (seed * 48271) % 2147483647; // deterministic
      return seed % n;
    };
    const takeModel = (position: number): number => {
      const index = position - head;
      const message = model.splice(index, 1)[0]!;
      if (index === 0) head++;
      else if (position < markIndex) markIndex--;
      if (model.length === 0) head = markIndex = 0;
      return message;
    };
    let next = 0;
    let longest = 0;
    for (let step = 0; step < 8000; step++) {
      // Phases that grow the queue to a dozen chunks or so, then drain it.
      const growing = Math.floor(step / 1000) % 2 === 0;
      const op = random(100);
      if (op < (growing ? 70 : 30)) {
        const burst = 1 + random(growing ? 40 : 5);
        for (let i = 0; i < burst; i++) {
          mailbox.push(next);
          model.push(next++);
        }
      } else if (model.length === 0) {
        continue;
      } else if (op < 80) {
        const burst = 1 + random(growing ? 5 : 40);
        for (let i = 0; i < burst && model.length > 0; i++) expect(mailbox.take(mailbox.head)).toBe(takeModel(head));
      } else if (op < 92) {
        const position = head + random(model.length);
        expect(mailbox.take(position)).toBe(takeModel(position));
      } else if (op < 95) {
        mailbox.mark(marked);
        markIndex = head + model.length;
      } else if (op < 98) {
        const wanted = model[random(model.length)]!;
        const from = head + random(model.length);
        const at = model.indexOf(wanted, from - head);
        expect(mailbox.find(from, [(m) => m === wanted])).toBe(at < 0 ? -1 : head + at);
      } else {
        const from = head + random(model.length);
        const drop = (m: unknown) => (m as number) % 101 === 0;
        let removed = 0;
        for (let p = from; p < head + model.length; ) {
          if (drop(model[p - head])) {
            takeModel(p);
            removed++;
          } else p++;
        }
        expect(mailbox.removeWhere(drop, from)).toBe(removed);
      }
      expect(mailbox.length).toBe(model.length);
      expect(mailbox.head).toBe(head);
      expect(mailbox.markIndex).toBe(markIndex);
      const start = mailbox.startFor(marked);
      expect(start).toBe(markIndex > head ? markIndex : head);
      if (model.length > 0) {
        expect(mailbox.at(head)).toBe(model[0]);
        expect(mailbox.at(head + model.length - 1)).toBe(model[model.length - 1]);
      }
      if (step % 97 === 0) expect(mailbox.snapshot()).toEqual(model);
      longest = Math.max(longest, model.length);
    }
    expect(longest).toBeGreaterThan(8 * C); // the mix did reach many chunks
  });
});


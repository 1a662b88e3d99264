// RefIdTable: a direct-mapped window of recent ref ids with an overflow map. An entry must
// stay findable until deleted however many newer ids come and go; so every alias routes
// exactly as long as it is active.
import { afterEach, describe, expect, it } from 'vitest';
import type { Ref } from '@troupe/runtime';
import { RefIdTable } from '../../src/terms/ref-id-table.js';
import { startRuntime, stopRuntimes } from '../support/runtime.js';
import { blockForever } from '../support/bodies.js';

afterEach(stopRuntimes);

const a = { name: 'a' };
const b = { name: 'b' };

describe('RefIdTable', () => {
  it('finds an id until it is deleted', () => {
    const table = new RefIdTable<{ name: string }>();
    table.set(7, a);
    expect(table.get(7)).toBe(a);
    expect(table.get(7 + 1024)).toBeUndefined();
    table.delete(7);
    expect(table.get(7)).toBeUndefined();
  });

  it('keeps an id whose slot a newer id takes (overflow), and deletes it there', () => {
    const table = new RefIdTable<{ name: string }>();
    table.set(5, a);
    table.set(5 + 1024, b);
    table.set(5 + 2048, b);
    expect(table.get(5)).toBe(a);
    expect(table.get(5 + 1024)).toBe(b);
    table.delete(5);
    expect(table.get(5)).toBeUndefined();
    expect(table.get(5 + 1024)).toBe(b);
    expect(table.get(5 + 2048)).toBe(b);
    table.delete(5 + 2048);
    expect(table.get(5 + 2048)).toBeUndefined();
    expect(table.get(5 + 1024)).toBe(b);
  });

  it('stays exact for ids beyond 2^31', () => {
    const table = new RefIdTable<{ name: string }>();
    const big = 2 ** 40 + 3;
    table.set(big, a);
    expect(table.get(big)).toBe(a);
    expect(table.get(3)).toBeUndefined();
    expect(table.get(big + 2 ** 32)).toBeUndefined();
  });
});

describe('a long-lived alias', () => {
  it('routes while thousands of newer refs come and go, and not once deactivated', async () => {
    const { rt } = startRuntime();
    const target = rt.spawn(blockForever);
    const got: unknown[] = [];
    let alias: Ref | undefined;
    let monitorAlias: Ref | undefined;
    const owner = rt.spawn(function* (self) {
      alias = self.alias();
      monitorAlias = self.monitor(target, { alias: true });
      for (let i = 0; i < 5000; i++) self.demonitor(self.monitor(target, { alias: true }));
      got.push(yield* self.receive(), yield* self.receive());
      self.unalias(alias);
      self.demonitor(monitorAlias);
      yield* self.receive(() => false);
    });
    await rt.idle();
    rt.send(alias!, 'via alias');
    rt.send(monitorAlias!, 'via monitor alias');
    await rt.idle();
    expect(got).toEqual(['via alias', 'via monitor alias']);
    rt.send(alias!, 'after unalias');
    rt.send(monitorAlias!, 'after demonitor');
    await rt.idle();
    expect(rt.messages(owner)).toEqual([]);
  });
});

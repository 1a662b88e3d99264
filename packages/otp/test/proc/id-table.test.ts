// IdTable: a direct-mapped window of recent ref ids with an overflow map. An entry must
// stay findable until deleted however many newer ids come and go — e.g. the gateway's
// tag of a call that waits while thousands of others complete.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, noreply, ok, reply, type From, type GenServerModule } from '@troupe/otp';
import { IdTable } from '../../src/proc/id-table.js';

describe('IdTable', () => {
  it('finds an id until it is deleted, also after newer ids took its slot', () => {
    const table = new IdTable<string>();
    table.set(3, 'a');
    table.set(3 + 1024, 'b');
    table.set(3 + 2048, 'c');
    expect([table.get(3), table.get(3 + 1024), table.get(3 + 2048), table.get(4)]).toEqual(['a', 'b', 'c', undefined]);
    table.delete(3);
    table.delete(3 + 2048);
    expect([table.get(3), table.get(3 + 1024), table.get(3 + 2048)]).toEqual([undefined, 'b', undefined]);
  });

  it('stays exact for ids beyond 2^31', () => {
    const table = new IdTable<string>();
    table.set(2 ** 40 + 1, 'big');
    expect(table.get(2 ** 40 + 1)).toBe('big');
    expect(table.get(1)).toBeUndefined();
  });
});

// Holds the caller of 'hold' until 'release'; answers 'ping' at once.
type Types = { state: From<string> | undefined; call: 'hold' | 'release' | 'ping'; reply: string };
const Holder: GenServerModule<Types> = {
  init: () => ok(undefined),
  handleCall(request, from, held, self) {
    if (request === 'hold') return noreply(from);
    if (request === 'release' && held !== undefined) GenServer.reply(self, held, 'released');
    return reply('pong', held);
  },
};

describe('the gateway', () => {
  it('settles a call that waited while thousands of other calls came and went', async () => {
    const rt = new Runtime({ clock: new VirtualClock(), longScheduleMs: false, logger: silentLogger });
    const started = await GenServer.start(rt, Holder);
    if (started.kind !== 'ok') throw new Error('start failed');
    const held = GenServer.call(rt, started.pid, 'hold', Infinity);
    for (let i = 0; i < 3000; i++) expect(await GenServer.call(rt, started.pid, 'ping')).toBe('pong');
    await GenServer.call(rt, started.pid, 'release');
    await expect(held).resolves.toBe('released');
    await rt.shutdown();
  });
});

// The gateway's table of pending calls (a RefIdTable): the tag of a call that waits while
// thousands of others complete must stay findable until its answer comes.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenServer, noreply, ok, reply, type From, type GenServerModule } from '@troupe/otp';

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

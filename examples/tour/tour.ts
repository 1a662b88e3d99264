import { Runtime, isDownMessage, type Pid } from '@troupe/runtime';
import { GenServer, Supervisor, ok, reply, type GenServerModule } from '@troupe/otp';

const rt = new Runtime();
type Ping = { from: Pid; text: string };
const isPing = (m: unknown): m is Ping => typeof m === 'object' && m !== null && 'text' in m;

// A process with a generator body: selective receive, with a timeout.
const echo = rt.spawn(function* (self) {
  const ping = yield* self.receive(isPing, { after: 1000 });
  if (isPing(ping)) self.send(ping.from, `echo: ${ping.text}`);
});

// An async body that monitors the echo process and sees it end.
rt.spawn(async (self) => {
  const ref = self.monitor(echo);
  self.send(echo, { from: self.pid, text: 'hi' });
  console.log(await self.receive((m): m is string => typeof m === 'string'));
  const down = await self.receive((m) => isDownMessage(m, ref));
  console.log('echo ended:', isDownMessage(down) && down.reason);
});

// A gen_server under a supervisor, called from plain Node code.
type Counter = { state: number; call: 'next'; reply: number };
const counter: GenServerModule<Counter> = { init: () => ok(0), handleCall: (_req, _from, n) => reply(n + 1, n + 1) };
const children = [{ id: 'counter', start: { module: counter, options: { name: 'counter' } } }];
await Supervisor.start(rt, { strategy: 'one_for_one', children });
console.log('counter:', await GenServer.call(rt, GenServer.ref<Counter>('counter'), 'next'));

await rt.idle();
await rt.shutdown();

import { Runtime, type Pid } from '@troupe/runtime';
import { startDistribution } from '@troupe/dist';

// Two nodes in one program for brevity; usually each is its own Node process.
const cookie = 'tour-secret';
const a = new Runtime({ name: 'a@127.0.0.1' });
const b = new Runtime({ name: 'b@127.0.0.1' });
const nodeA = await startDistribution(a, { name: 'a@127.0.0.1', cookie, portMapper: false });
const nodeB = await startDistribution(b, { name: 'b@127.0.0.1', cookie, portMapper: false, peers: { 'a@127.0.0.1': nodeA.address } });

// On node a, a process registered as 'greeter' answers whoever writes to it.
a.spawn(function* (self) {
  const { from, name } = (yield* self.receive()) as { from: Pid; name: string };
  self.send(from, `hello ${name}, from ${self.node}`);
}, { name: 'greeter' });

await nodeB.connect('a@127.0.0.1');
console.log('b sees:', nodeB.nodes());
const answer = await new Promise((resolve) =>
  b.spawn(async (self) => {
    self.send({ name: 'greeter', node: 'a@127.0.0.1' }, { from: self.pid, name: 'b' });
    resolve(await self.receive());
  }),
);
console.log(answer);
await Promise.all([nodeB.stop(), nodeA.stop()]);
await Promise.all([a.shutdown(), b.shutdown()]);

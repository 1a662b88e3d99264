// kv-store: a gen_server under a supervisor crashes on purpose, is restarted, and keeps answering.
import { Runtime } from '@troupe/runtime';
import { CallExitError, GenServer, Supervisor } from '@troupe/otp';
import { compactLogger } from '../shared/compact-logger.js';
import { check, runExample } from '../shared/run-example.js';
import { kv, kvSupervisor } from './kv-store.js';

const rt = new Runtime({ logger: compactLogger });

await runExample('kv-store', async () => {
  try {
    console.log('1. Start a supervisor with one child: the key-value store, registered as "kv".');
    const sup = await Supervisor.start(rt, kvSupervisor, { name: 'kv_sup' });
    check(sup.kind === 'ok', `the supervisor did not start: ${JSON.stringify(sup)}`);
    const first = rt.whereis('kv');
    console.log(`   kv is ${String(first)}; it was seeded with greeting = ${await GenServer.call(rt, kv, { kind: 'get', key: 'greeting' })}`);

    console.log('2. Plain Node code talks to it with GenServer.call(runtime, ...): put two keys, read one back.');
    await GenServer.call(rt, kv, { kind: 'put', key: 'colour', value: 'blue' });
    await GenServer.call(rt, kv, { kind: 'put', key: 'shape', value: 'round' });
    const colour = await GenServer.call(rt, kv, { kind: 'get', key: 'colour' });
    console.log(`   colour = ${String(colour)}, size = ${String(await GenServer.call(rt, kv, { kind: 'size' }))}`);
    check(colour === 'blue', `expected colour = blue, got ${String(colour)}`);

    console.log('3. Put the key "poison": the server throws, so the process crashes (the report below),');
    console.log('   and the caller gets a CallExitError instead of a reply.');
    try {
      await GenServer.call(rt, kv, { kind: 'put', key: 'poison', value: 'x' });
      throw new Error('the poison put should have crashed the server');
    } catch (error) {
      check(error instanceof CallExitError, `expected a CallExitError, got ${String(error)}`);
      console.log(`   the caller got: ${error.message}`);
    }

    console.log('4. The supervisor traps the exit and restarts kv from its child spec (one_for_one).');
    // The supervisor handles its messages in order: by the time it answers this call, it
    // has handled the crash, so the restarted kv is registered.
    const [child] = await Supervisor.whichChildren(rt, 'kv_sup');
    const second = rt.whereis('kv');
    console.log(`   kv is now ${String(second)} (was ${String(first)}); the supervisor lists ${String(child?.pid)}`);
    check(second !== undefined && first !== undefined && !second.equals(first), 'kv should have a new pid');

    console.log('5. The service keeps answering under the same name. Its state was rebuilt by init:');
    console.log('   the seed is back, the puts made before the crash are gone.');
    const greeting = await GenServer.call(rt, kv, { kind: 'get', key: 'greeting' });
    const lost = await GenServer.call(rt, kv, { kind: 'get', key: 'colour' });
    console.log(`   greeting = ${String(greeting)}, colour = ${String(lost)}`);
    check(greeting === 'hello' && lost === undefined, 'the restarted store should hold only its seed');
    await GenServer.call(rt, kv, { kind: 'put', key: 'colour', value: 'green' });
    check((await GenServer.call(rt, kv, { kind: 'get', key: 'colour' })) === 'green', 'the restarted store should accept puts');
    console.log('   put colour = green after the restart: ok');
  } finally {
    await rt.shutdown();
  }
});

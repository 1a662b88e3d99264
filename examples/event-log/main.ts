// event-log: a gen_event manager whose crashing handler is removed alone; its supervising owner is told.
import { Runtime } from '@troupe/runtime';
import { GenEvent, GenServer } from '@troupe/otp';
import { compactLogger } from '../shared/compact-logger.js';
import { check, runExample } from '../shared/run-example.js';
import { AlertGuard, alertGuard, ConsoleHandler, counter, CounterHandler, eventLog } from './event-log.js';

const rt = new Runtime({ logger: compactLogger });

await runExample('event-log', async () => {
  try {
    console.log('1. Start the event manager "event_log" with a console handler and a counter handler;');
    console.log('   a guard process adds the alert handler as a supervised handler.');
    const manager = await GenEvent.start(rt, { name: 'event_log' });
    check(manager.kind === 'ok', `the manager did not start: ${JSON.stringify(manager)}`);
    await GenEvent.addHandler(rt, eventLog, 'console', ConsoleHandler);
    await GenEvent.addHandler(rt, eventLog, counter, CounterHandler);
    const guard = await GenServer.start(rt, AlertGuard, undefined, { name: 'alert_guard' });
    check(guard.kind === 'ok', `the guard did not start: ${JSON.stringify(guard)}`);
    console.log(`   handlers: ${(await GenEvent.whichHandlers(rt, eventLog)).join(', ')}`);

    console.log('2. Two events (syncNotify returns once every handler has handled them).');
    await GenEvent.syncNotify(rt, eventLog, { level: 'info', text: 'service started' });
    await GenEvent.syncNotify(rt, eventLog, { level: 'error', text: 'disk almost full' });

    console.log('3. An error with a long text: the alert handler throws. The manager removes that handler');
    console.log('   alone, logs it, and tells its owner; the manager and the other handlers carry on.');
    await GenEvent.syncNotify(rt, eventLog, { level: 'error', text: 'replica 3 stopped answering health checks' });
    check(rt.isAlive(manager.pid), 'the manager should survive a crashing handler');
    const reinstalls = await GenServer.call(rt, alertGuard, 'reinstalls');
    check(reinstalls === 1, `the guard should have reinstalled the alert handler once, did ${reinstalls}`);

    console.log('4. The alert handler is back and pages again; the counter saw every event.');
    await GenEvent.syncNotify(rt, eventLog, { level: 'error', text: 'disk full' });
    const handlers = await GenEvent.whichHandlers(rt, eventLog);
    const counts = await GenEvent.call(rt, eventLog, counter, 'counts');
    console.log(`   handlers: ${handlers.join(', ')}; counts: ${JSON.stringify(counts)}`);
    check(handlers.includes('alert') && handlers.length === 3, `expected three handlers, got ${handlers.join(', ')}`);
    check(counts.info === 1 && counts.error === 3, `unexpected counts ${JSON.stringify(counts)}`);
  } finally {
    await rt.shutdown();
  }
});

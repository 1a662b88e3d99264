// ping-pong: two processes, selective receive, and monitors that report DOWN.
import { Runtime } from '@troupe/runtime';
import { compactLogger } from '../shared/compact-logger.js';
import { check, runExample } from '../shared/run-example.js';
import { referee, type RefereeReport } from './ping-pong.js';

const rt = new Runtime({ logger: compactLogger });

await runExample('ping-pong', async () => {
  try {
    console.log('1. A referee process starts pong (a generator body) and ping (an async body), monitoring both.');
    console.log('   Each round ping sends pong some gossip, then a ping. pong only receives pings, so the');
    console.log('   gossip waits in its mailbox (selective receive) while the pings overtake it.');
    const report = await new Promise<RefereeReport>((resolve, reject) => rt.spawn(referee(3, resolve, reject)));

    console.log('2. Both players ended; each end reached the referee as a DOWN message with the exit reason.');
    check(report.downs.length === 2, `expected 2 DOWN messages, got ${report.downs.length}`);
    check(report.downs.every((d) => d.reason === 'normal'), 'both players should end normally');

    console.log(`3. A monitor set on a process that is already dead fires at once with '${String(report.lateMonitorReason)}'.`);
    check(report.lateMonitorReason === 'noproc', `expected noproc, got ${String(report.lateMonitorReason)}`);
  } finally {
    await rt.shutdown();
  }
});

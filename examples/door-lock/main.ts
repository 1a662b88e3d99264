// door-lock: a gen_statem that postpones presses while the door opens and relocks on a state timeout.
import { setTimeout as sleep } from 'node:timers/promises';
import { Runtime } from '@troupe/runtime';
import { GenStatem } from '@troupe/otp';
import { compactLogger } from '../shared/compact-logger.js';
import { check, runExample } from '../shared/run-example.js';
import { DoorLock, MOTOR_MS, OPEN_MS } from './door-lock.js';

const rt = new Runtime({ logger: compactLogger });

await runExample('door-lock', async () => {
  try {
    console.log('1. Start the lock with code 1-2-3. Its state enter call narrates each state change.');
    const started = await GenStatem.start(rt, DoorLock, [1, 2, 3]);
    check(started.kind === 'ok', `the door did not start: ${JSON.stringify(started)}`);
    const door = started.pid;
    const press = (digit: number) => GenStatem.call(rt, door, { kind: 'press', digit });

    console.log('2. A wrong code: 1, 2, 9.');
    const wrong = [await press(1), await press(2), await press(9)];
    console.log(`   answers: ${wrong.join(', ')}`);
    check(wrong.join() === 'more,more,wrong', `unexpected answers ${wrong.join()}`);

    console.log(`3. The right code: 1, 2, 3. The door starts opening; the motor takes ${MOTOR_MS} ms (a state timeout).`);
    const right = [await press(1), await press(2), await press(3)];
    console.log(`   answers: ${right.join(', ')}`);
    check(right.join() === 'more,more,unlocking', `unexpected answers ${right.join()}`);

    console.log('4. Press 7 while it opens: the call is postponed, answered only once the door is open.');
    const pressedAt = performance.now();
    const late = await press(7);
    const waited = Math.round(performance.now() - pressedAt);
    console.log(`   answer: ${late}, after waiting ${waited} ms`);
    check(late === 'already_open', `expected already_open, got ${late}`);
    check(waited >= MOTOR_MS / 2, `the press should have waited for the motor, waited only ${waited} ms`);

    console.log(`5. Nobody comes in: after ${OPEN_MS} ms in 'open', its state timeout relocks the door.`);
    await sleep(OPEN_MS + 150);
    const state = await GenStatem.call(rt, door, { kind: 'state' });
    console.log(`   the door is ${state}`);
    check(state === 'locked', `expected locked, got ${state}`);
    await GenStatem.stop(rt, door);
  } finally {
    await rt.shutdown();
  }
});

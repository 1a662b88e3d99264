// Runs the event-log example as a user would and checks what it reports.
import { describe, expect, it } from 'vitest';
import { runMain } from '../shared/run-main.js';

describe('examples/event-log', () => {
  it('removes only the crashing handler, tells its owner, and carries on', async () => {
    const run = await runMain('event-log');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[alert] paging on-call: disk almost full');
    expect(run.stdout).toMatch(/\[error\] gen_event handler alert crashed; installed in event_log; .*pager text too long/);
    expect(run.stdout).toContain('[console] error: replica 3 stopped answering health checks');
    expect(run.stdout).toContain("[guard] told: handler 'alert' was removed (error: Error: pager text too long (41 chars))");
    expect(run.stdout).toContain('[alert] paging on-call: disk full');
    expect(run.stdout).toContain('counts: {"info":1,"warn":0,"error":3}');
    expect(run.stdout).toContain('event-log: OK');
  });
});

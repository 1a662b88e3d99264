// Runs the ping-pong example as a user would and checks what it reports.
import { describe, expect, it } from 'vitest';
import { runMain } from '../shared/run-main.js';

describe('examples/ping-pong', () => {
  it('plays three rounds, keeps skipped messages in order, and reports DOWN', async () => {
    const run = await runMain('ping-pong');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const round of [1, 2, 3]) expect(run.stdout).toContain(`ping: got pong ${round}`);
    expect(run.stdout).toContain('still in order: gossip 1, gossip 2, gossip 3');
    expect(run.stdout).toMatch(/DOWN from pong <[\d.]+>, reason: normal/);
    expect(run.stdout).toMatch(/DOWN from ping <[\d.]+>, reason: normal/);
    expect(run.stdout).toContain('DOWN at once, reason: noproc');
    expect(run.stdout).toContain('ping-pong: OK');
  });
});

// Runs the door-lock example as a user would and checks what it reports.
import { describe, expect, it } from 'vitest';
import { runMain } from '../shared/run-main.js';

describe('examples/door-lock', () => {
  it('opens on the right code, postpones a press while opening, relocks on its state timeout', async () => {
    const run = await runMain('door-lock');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('answers: more, more, wrong');
    expect(run.stdout).toContain('answers: more, more, unlocking');
    expect(run.stdout).toContain('door: press 7 while opening: postponed');
    expect(run.stdout).toMatch(/door: opening -> open \(\+\d+ ms\)\n\s+answer: already_open/);
    expect(run.stdout).toContain('door: open -> locked');
    expect(run.stdout).toContain('the door is locked');
    expect(run.stdout).toContain('door-lock: OK');
  });
});

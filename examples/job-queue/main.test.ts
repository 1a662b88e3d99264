// Runs the job-queue example as a user would and checks what it reports.
import { describe, expect, it } from 'vitest';
import { runMain } from '../shared/run-main.js';

describe('examples/job-queue', () => {
  it('runs CPU jobs on dirty threads while the scheduler keeps ticking', async () => {
    const run = await runMain('job-queue');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('children: {"specs":1,"active":3,"supervisors":0,"workers":3}');
    // Known prime counts: π(600 000) = 49 098, π(850 000) = 67 617.
    expect(run.stdout).toMatch(/w1: 49098 primes below 600000/);
    expect(run.stdout).toMatch(/w3: 67617 primes below 850000/);
    expect(run.stdout).toMatch(/all 6 jobs done in \d+ ms/);
    expect(run.stdout).toMatch(/\[warn\] +long schedule: process <[\d.]+> held the scheduler for \d+ ms/);
    expect(run.stdout).toContain('job-queue: OK');
  });
});

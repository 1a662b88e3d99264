// The client against Erlang's own epmd, run in the foreground on a free loopback port.
// Skipped when epmd is not installed.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EpmdClient } from '../../src/port-mapper/epmd-client.js';
import { ensurePortMapper } from '../../src/port-mapper/port-mapper.js';
import { eventually, freePort } from './support.js';

function hasEpmd(): boolean {
  try {
    execFileSync('which', ['epmd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasEpmd())('against a real epmd', () => {
  let epmd: ChildProcess | undefined;
  let port = 0;
  let client: EpmdClient;

  beforeAll(async () => {
    port = await freePort();
    epmd = spawn('epmd', ['-port', String(port), '-address', '127.0.0.1'], { stdio: 'ignore' });
    client = new EpmdClient({ port, timeoutMs: 2000 });
    await eventually(() => client.names());
  });

  afterAll(async () => {
    if (epmd === undefined || epmd.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => epmd!.once('exit', () => resolve()));
    epmd.kill();
    await exited;
  });

  it('registers, looks up, lists and unregisters by closing', async () => {
    const alpha = await client.register('troupe_alpha', 40001);
    const beta = await client.register('troupe_beta', 40002, { hidden: true, extra: Buffer.from('troupe') });
    expect(alpha.creation).toBeGreaterThan(0);
    expect(await client.lookup('troupe_alpha')).toBe(40001);
    expect(await client.lookup('troupe_beta')).toBe(40002);
    expect(await client.lookup('troupe_nobody')).toBeUndefined();
    const names = await client.names();
    expect(names).toEqual(expect.arrayContaining([
      { name: 'troupe_alpha', port: 40001 },
      { name: 'troupe_beta', port: 40002 },
    ]));
    await alpha.close();
    await beta.close();
    await eventually(async () => expect(await client.lookup('troupe_alpha')).toBeUndefined());
  });

  it('refuses a duplicate live name', async () => {
    const first = await client.register('troupe_dup', 40003);
    await expect(client.register('troupe_dup', 40004)).rejects.toMatchObject({ code: 'register_failed' });
    await first.close();
  });

  it('is used as it is by ensurePortMapper', async () => {
    const mapper = await ensurePortMapper({ port, timeoutMs: 2000 });
    expect(mapper.server).toBeUndefined();
    const registration = await mapper.client.register('troupe_gamma', 40005);
    expect(await client.lookup('troupe_gamma')).toBe(40005);
    await registration.close();
    await mapper.close();
  });
});

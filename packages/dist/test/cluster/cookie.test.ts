// Cookie resolution: option, then $TROUPE_COOKIE, then the cookie file (created 0400 if absent).
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveCookie } from '../../src/cluster/cookie.js';

describe('resolveCookie', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'troupe-cookie-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prefers the option, then the environment variable', async () => {
    const file = join(dir, 'cookie');
    expect(await resolveCookie({ cookie: 'given', env: { TROUPE_COOKIE: 'env' }, file })).toBe('given');
    expect(await resolveCookie({ env: { TROUPE_COOKIE: 'env' }, file })).toBe('env');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('creates the cookie file with 20 random capitals, owner-read-only, and reuses it', async () => {
    const file = join(dir, 'cookie');
    const created = await resolveCookie({ env: {}, file });
    expect(created).toMatch(/^[A-Z]{20}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o400);
    expect(await resolveCookie({ env: {}, file })).toBe(created);
    expect(await resolveCookie({ env: {}, file: join(dir, 'other') })).not.toBe(created);
  });

  it('refuses a cookie file others can read, and an empty one', async () => {
    const open = join(dir, 'open');
    await writeFile(open, 'SECRET\n');
    await chmod(open, 0o644);
    await expect(resolveCookie({ env: {}, file: open })).rejects.toMatchObject({ code: 'bad_cookie_file', path: open });
    const empty = join(dir, 'empty');
    await writeFile(empty, '  \n', { mode: 0o600 });
    await expect(resolveCookie({ env: {}, file: empty })).rejects.toMatchObject({ code: 'bad_cookie_file' });
    const fine = join(dir, 'fine');
    await writeFile(fine, 'SECRET\n', { mode: 0o600 });
    expect(await resolveCookie({ env: {}, file: fine })).toBe('SECRET');
  });
});

// The cookie: from the options, else $TROUPE_COOKIE, else ~/.troupe.cookie (created if absent).
import { randomInt } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CookieFileError } from '../errors.js';
import { type Cookie, checkCookie } from '../handshake/challenge.js';

/** The environment variable a cookie is read from when none is given. */
export const COOKIE_ENV = 'TROUPE_COOKIE';

/** The cookie file's default path (Erlang's is `~/.erlang.cookie`). */
export function defaultCookieFile(): string {
  return join(homedir(), '.troupe.cookie');
}

/** Where {@link resolveCookie} looks. */
export interface CookieSources {
  readonly cookie?: Cookie | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly file?: string;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const GENERATED_LENGTH = 20;

/**
 * The node's cookie, first found of: `cookie`; the `TROUPE_COOKIE` environment
 * variable; the cookie file. A missing file is created with 20 random capital letters
 * from the OS CSPRNG (as Erlang makes `~/.erlang.cookie`), readable by its owner only
 * (mode 0400). Like Erlang, an existing file that others may read or write is refused.
 * @throws CookieFileError for an unusable cookie file.
 */
export async function resolveCookie(sources: CookieSources = {}): Promise<Cookie> {
  if (sources.cookie !== undefined) return checkCookie('startDistribution', sources.cookie);
  const fromEnv = (sources.env ?? process.env)[COOKIE_ENV];
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  const file = sources.file ?? defaultCookieFile();
  const generated = Array.from({ length: GENERATED_LENGTH }, () => LETTERS[randomInt(LETTERS.length)]).join('');
  try {
    // 'wx': never overwrite a file another node created a moment ago.
    await writeFile(file, generated, { mode: 0o400, flag: 'wx' });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CookieFileError(file, `cannot create it: ${(error as Error).message}`, { cause: error });
    }
  }
  let content: string;
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) {
      throw new CookieFileError(file, `must be accessible by its owner only (mode is ${(info.mode & 0o777).toString(8)})`);
    }
    content = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if (error instanceof CookieFileError) throw error;
    throw new CookieFileError(file, `cannot read it: ${(error as Error).message}`, { cause: error });
  }
  if (content.length === 0) throw new CookieFileError(file, 'is empty');
  return content;
}

// A Logger that prints each runtime report (crash, supervisor, gen_event) as one short line, no stack.
import type { Logger } from '@troupe/runtime';

// Reports go to stdout, indented under the narration, so they show up where they happen.
function line(level: string, message: string): void {
  const first = message.split('\n', 1)[0] ?? '';
  console.log(`      ${level} ${first}`);
}

/** Pass as `new Runtime({ logger: compactLogger })` to keep deliberate crashes readable. */
export const compactLogger: Logger = {
  error: (message) => line('[error]', message),
  warn: (message) => line('[warn] ', message),
  info: (message) => line('[info] ', message),
};

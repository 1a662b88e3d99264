// Runs one benchmark child process under a hard timeout and reads the JSON line it prints.
import { spawn, type ChildProcess } from 'node:child_process';

export type Sample =
  | { readonly kind: 'value'; readonly value: number; readonly unit: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly message: string };

export interface ChildCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

// Children run in their own process group (detached) so a timeout can kill
// everything they started, e.g. the BEAM's peer node, with one signal.
const running = new Set<ChildProcess>();

export function runChild(command: ChildCommand, timeoutMs: number): Promise<Sample> {
  return new Promise((resolve) => {
    const child = spawn(command.file, [...command.args], {
      cwd: command.cwd,
      env: command.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-65_536);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_096);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);

    const finish = (exitDescription: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      running.delete(child);
      killGroup(child); // stragglers the child left behind in its group
      child.stdout.destroy();
      child.stderr.destroy();
      if (timedOut) return resolve({ kind: 'timeout' });
      resolve(parseSample(stdout, stderr, exitDescription));
    };
    child.on('error', (error) => finish(`could not start ${command.file}: ${error.message}`));
    child.on('close', (code, signal) => finish(describeExit(code, signal)));
    // A daemon the child started (epmd) may keep our pipes open: do not wait for 'close' forever.
    child.on('exit', (code, signal) => {
      setTimeout(() => finish(describeExit(code, signal)), 1_000);
    });
  });
}

/** Kills every child still running (on Ctrl-C), so no benchmark outlives the runner. */
export function killAllChildren(): void {
  for (const child of running) killGroup(child);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal === null ? `exit code ${code}` : `killed by ${signal}`;
}

// The figure is the last stdout line that parses as {"value": number, "unit": string};
// anything else a system prints (log lines, warnings) is ignored.
function parseSample(stdout: string, stderr: string, exitDescription: string): Sample {
  const lines = stdout.split('\n').reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) continue;
    const record = parsed as Record<string, unknown>;
    if (typeof record['value'] === 'number' && typeof record['unit'] === 'string') {
      return { kind: 'value', value: record['value'], unit: record['unit'] };
    }
    if (typeof record['error'] === 'string') return { kind: 'error', message: record['error'] };
  }
  const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-3).join(' / ');
  return { kind: 'error', message: `${exitDescription}, no result line${detail ? `: ${detail}` : ''}` };
}

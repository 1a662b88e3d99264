// Real cluster nodes for the examples: fork `node --import tsx <file>` as a child process,
// talk to it over the IPC channel, relay its output, and make sure it never outlives us.
import { type ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (e.g. for the port mapper, which needs a fixed one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// Every child still running. If this process exits (even through process.exit), they are
// killed; and each child exits by itself when its IPC channel closes (see answerParent).
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** What a child sends once its node is up. */
export interface Ready {
  readonly kind: 'ready';
  readonly name: string;
  readonly port: number;
}

/** A node in a child process: requests over IPC, its output relayed line by line with a prefix. */
export class ChildNode {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  readonly #lineWaiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  readonly #exited: Promise<void>;
  readonly label: string;
  readonly lines: string[] = [];
  #nextId = 1;
  name = '';
  port = 0;

  private constructor(child: ChildProcess, label: string, print: (line: string) => void) {
    this.#child = child;
    this.label = label;
    const relay = (stream: NodeJS.ReadableStream | null, write: (line: string) => void) => {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) this.#line(line, write);
      });
      stream?.on('end', () => partial !== '' && this.#line(partial, write));
    };
    relay(child.stdout, print);
    relay(child.stderr, (line) => console.error(line));
    child.on('message', (reply: { id: number; ok: boolean; value?: never; error?: string }) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.ok) pending?.resolve(reply.value as never);
      else pending?.reject(new Error(`${this.label}: ${reply.error ?? 'failed'}`));
    });
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.#exited.then(() => {
      live.delete(child);
      for (const { reject } of this.#pending.values()) reject(new Error(`${this.label} exited (code ${child.exitCode}, signal ${child.signalCode})`));
      this.#pending.clear();
    });
  }

  #line(line: string, write: (line: string) => void): void {
    this.lines.push(line);
    // Indented like the parent's own lines: narration at 3 spaces, log reports where the logger put them.
    const indent = /^ */.exec(line)![0];
    write(`${indent === '' ? '   ' : indent}[${this.label}] ${line.slice(indent.length)}`);
    for (const waiter of this.#lineWaiters) {
      if (waiter.pattern.test(line)) {
        this.#lineWaiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  }

  /**
   * Forks `file` under tsx with `args` and resolves once it sends `{kind: 'ready'}`.
   * Its stdout lines are passed to `print` with `[label]` in front.
   */
  static async fork(
    file: string,
    args: readonly string[],
    options: { readonly label: string; readonly env?: NodeJS.ProcessEnv; readonly print?: (line: string) => void; readonly timeoutMs?: number },
  ): Promise<ChildNode> {
    const child = fork(file, args, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    live.add(child);
    const node = new ChildNode(child, options.label, options.print ?? ((line) => console.log(line)));
    const ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.label} did not start within ${options.timeoutMs ?? 15_000} ms`)), options.timeoutMs ?? 15_000);
      const onMessage = (message: Ready) => {
        if (message?.kind !== 'ready') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      void node.#exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${options.label} exited before it was ready (code ${child.exitCode}, signal ${child.signalCode})`));
      });
    });
    node.name = ready.name;
    node.port = ready.port;
    return node;
  }

  /** The child's OS process id. */
  get osPid(): number {
    return this.#child.pid!;
  }

  /** Whether the child process is still running. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Resolves once the child process has exited. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Sends `cmd` to the child's command handler and resolves with its answer. */
  request<T = unknown>(cmd: string, args: unknown = {}, timeoutMs = 5000): Promise<T> {
    if (!this.running) return Promise.reject(new Error(`${this.label} is not running`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.label}: '${cmd}' got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.#child.send({ id, cmd, args });
    });
  }

  /** Resolves with the first output line (from now on) that matches `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs = 3000): Promise<string> {
    return new Promise((resolve, reject) => {
      const waiter = {
        pattern,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.#lineWaiters.delete(waiter);
        reject(new Error(`${this.label} printed no line matching ${pattern} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#lineWaiters.add(waiter);
    });
  }

  /** Sends `signal` (SIGKILL: no chance to say goodbye) and resolves once the child is gone. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.#child.kill(signal);
    return this.#exited;
  }
}

/** Kills every child node still running and waits until they are gone (for `finally`). */
export async function killChildren(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * The child side: answers the parent's requests with `commands[cmd](args)`, and exits
 * when the parent goes away (its IPC channel closes), so no child outlives the example.
 */
export function answerParent(commands: Record<string, (args: never) => unknown>): void {
  process.on('message', (request: { id?: number; cmd?: string; args?: never }) => {
    if (typeof request?.id !== 'number' || typeof request.cmd !== 'string') return;
    const { id, cmd, args } = request;
    Promise.resolve()
      .then(() => {
        const command = commands[cmd];
        if (command === undefined) throw new Error(`no command '${cmd}'`);
        return command(args as never);
      })
      .then(
        (value) => process.send?.({ id, ok: true, value: value ?? null }),
        (error: unknown) => process.send?.({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

/** The child side: tells the parent the node is up. */
export function tellReady(name: string, port: number): void {
  process.send?.({ kind: 'ready', name, port } satisfies Ready);
}

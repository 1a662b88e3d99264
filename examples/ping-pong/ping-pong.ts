// Two process bodies that play ping-pong: a generator (pong) and an async function (ping).
import { formatReason, isDownMessage, TIMEOUT, type ExitReason, type Pid, type ProcessContext } from '@troupe/runtime';

export interface Ping {
  readonly kind: 'ping';
  readonly round: number;
  readonly from: Pid;
}
export interface Pong {
  readonly kind: 'pong';
  readonly round: number;
}
/** Chatter pong does not wait for: it stays queued until pong asks for it. */
export interface Gossip {
  readonly kind: 'gossip';
  readonly text: string;
}

// Matchers are type guards: the message a receive returns is typed by the one that matched.
export const isPing = (m: unknown): m is Ping => (m as Ping | undefined)?.kind === 'ping';
export const isStop = (m: unknown): m is 'stop' => m === 'stop';
const isPongFor = (round: number) => (m: unknown): m is Pong => (m as Pong | undefined)?.kind === 'pong' && (m as Pong).round === round;

/**
 * pong, a generator body (the fast path: `yield* self.receive(...)`). It only matches pings
 * and 'stop'; gossip sent to it is skipped and stays in the mailbox, in order, until the
 * end, when it reads whatever is left with `after: 0` (look, do not wait).
 */
export function* pong(self: ProcessContext): Generator<unknown, void, unknown> {
  for (;;) {
    const message = yield* self.receive(isPing, isStop);
    if (message === 'stop') break;
    console.log(`   pong: got ping ${message.round}, answering`);
    self.send(message.from, { kind: 'pong', round: message.round } satisfies Pong);
  }
  const skipped: string[] = [];
  for (;;) {
    const left = yield* self.receive({ after: 0 });
    if (left === TIMEOUT) break;
    skipped.push((left as Gossip).text);
  }
  console.log(`   pong: stopping; gossip that waited in my mailbox, still in order: ${skipped.join(', ')}`);
}

/**
 * ping, an async body (the convenient path: `await self.receive(...)`). Each round it
 * gossips, pings, and waits for the pong of that very round — giving up after 1 s.
 */
export function ping(pongPid: Pid, rounds: number) {
  return async (self: ProcessContext): Promise<void> => {
    for (let round = 1; round <= rounds; round++) {
      self.send(pongPid, { kind: 'gossip', text: `gossip ${round}` } satisfies Gossip);
      self.send(pongPid, { kind: 'ping', round, from: self.pid } satisfies Ping);
      const answer = await self.receive(isPongFor(round), { after: 1000 });
      if (answer === TIMEOUT) throw new Error(`no pong for round ${round} within 1 s`);
      console.log(`   ping: got pong ${answer.round}`);
    }
    self.send(pongPid, 'stop');
  };
}

/** What the referee saw: who went DOWN, in order, and why. */
export interface RefereeReport {
  readonly downs: readonly { readonly who: 'ping' | 'pong'; readonly reason: ExitReason }[];
  readonly lateMonitorReason: ExitReason;
}

/**
 * The referee starts both players with `spawnMonitor` (spawn and monitor in one atomic
 * step, so no exit can slip between them) and waits for their two DOWN messages. Then it
 * monitors pong again: a monitor on a process that is already gone fires at once, 'noproc'.
 */
export function referee(rounds: number, done: (report: RefereeReport) => void, failed: (error: unknown) => void) {
  return async (self: ProcessContext): Promise<void> => {
    try {
      const pongWatch = self.spawnMonitor(pong);
      const pingWatch = self.spawnMonitor(ping(pongWatch.pid, rounds));
      console.log(`   referee: started pong ${pongWatch.pid} and ping ${pingWatch.pid}, monitoring both`);
      const downs: { who: 'ping' | 'pong'; reason: ExitReason }[] = [];
      while (downs.length < 2) {
        const down = await self.receive(isDownMessage, { after: 5000 });
        if (down === TIMEOUT) throw new Error('the players did not finish within 5 s');
        const who = down.ref.equals(pongWatch.ref) ? 'pong' : 'ping';
        console.log(`   referee: DOWN from ${who} ${String(down.target)}, reason: ${formatReason(down.reason)}`);
        downs.push({ who, reason: down.reason });
      }
      const late = self.monitor(pongWatch.pid);
      const down = await self.receive((m: unknown) => isDownMessage(m, late), { after: 1000 });
      if (down === TIMEOUT) throw new Error('a monitor on a dead process sent no DOWN');
      console.log(`   referee: monitoring pong again, after it ended: DOWN at once, reason: ${formatReason(down.reason)}`);
      done({ downs, lateMonitorReason: down.reason });
    } catch (error) {
      failed(error);
    }
  };
}

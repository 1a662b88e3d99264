// A chat room: one process per node, registered as 'chat'. Saying something sends it to the
// 'chat' of every node in cluster.nodes() (and to itself); the room prints what it hears,
// and who joins and leaves the cluster.
import type { Cluster } from '@troupe/dist';
import type { ProcessContext } from '@troupe/runtime';

/** The registered name of the room on every node. */
export const CHAT = 'chat';

export type RoomMessage =
  /** Typed by this node's user: broadcast it. */
  | { readonly kind: 'say'; readonly text: string }
  /** Said on `from` (any node, this one included). */
  | { readonly kind: 'heard'; readonly from: string; readonly text: string }
  /** A node came or went (from the cluster's nodeup/nodedown events). */
  | { readonly kind: 'joined'; readonly node: string }
  | { readonly kind: 'left'; readonly node: string; readonly reason: string };

const KINDS = new Set(['say', 'heard', 'joined', 'left']);

export function isRoomMessage(message: unknown): message is RoomMessage {
  return typeof message === 'object' && message !== null && KINDS.has((message as { kind?: unknown }).kind as string);
}

/** `alice@127.0.0.1` → `alice`. */
const short = (node: string) => node.split('@')[0]!;

/**
 * The room's process body. Start it with `runtime.spawn(chatRoom(cluster), { name: CHAT })`
 * and forward the cluster's events into it (see node.ts).
 */
export function chatRoom(cluster: Cluster) {
  return async (self: ProcessContext): Promise<void> => {
    for (;;) {
      const message = await self.receive(isRoomMessage);
      switch (message.kind) {
        case 'say':
          // {name, node} reaches a registered process on any node: no pids to look up or keep.
          for (const node of [self.node, ...cluster.nodes()]) {
            self.send({ name: CHAT, node }, { kind: 'heard', from: self.node, text: message.text } satisfies RoomMessage);
          }
          break;
        case 'heard':
          console.log(`<${short(message.from)}> ${message.text}`);
          break;
        case 'joined':
          console.log(`* ${short(message.node)} joined`);
          break;
        case 'left':
          console.log(`* ${short(message.node)} left (${message.reason})`);
          break;
      }
    }
  };
}

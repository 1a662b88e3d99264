// From: who is waiting for a call's reply, so a server can answer now or later
// (noreply, then reply(from, value) from anywhere).
import { isPid, isRef, type Pid, type Ref } from '@troupe/runtime';
import type { Caller } from '../proc/operation.js';

declare const replyType: unique symbol;

/**
 * The caller of a pending call (Erlang's `From = {Pid, Tag}`). The tag is an alias of the
 * caller that lives exactly as long as the call: a reply after the caller gave up is
 * dropped. `Reply` types what {@link reply} accepts.
 */
export interface From<Reply = unknown> {
  readonly pid: Pid;
  readonly tag: Ref;
  readonly [replyType]?: Reply;
}

/** The reply message, sent to the caller's alias (Erlang's `{Tag, Reply}`). */
export interface ReplyMessage {
  readonly kind: '$gen_reply';
  readonly tag: Ref;
  readonly reply: unknown;
}

/**
 * Sends `value` to the caller waiting on `from` (Erlang's `gen_server:reply/2`). Works
 * from any process (`caller` is its `self`) or from plain Node code (`caller` is the
 * Runtime). A caller that has timed out or died never sees it.
 */
export function reply<R>(caller: Caller, from: From<R>, value: NoInfer<R>): void {
  if (typeof from !== 'object' || from === null || !isPid(from.pid) || !isRef(from.tag)) {
    throw new TypeError(`reply: from must be the From of a call ({pid, tag}), got ${String(from)}`);
  }
  caller.send(from.tag, { kind: '$gen_reply', tag: from.tag, reply: value } satisfies ReplyMessage);
}

/** Whether `message` is the reply tagged `tag`. */
export function isReplyFor(message: unknown, tag: Ref): message is ReplyMessage {
  return (
    typeof message === 'object' && message !== null && (message as ReplyMessage).kind === '$gen_reply' && tag.equals((message as ReplyMessage).tag)
  );
}

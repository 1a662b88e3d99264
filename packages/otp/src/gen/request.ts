// The request/reply protocol every client shares (gen:call's core): monitor-as-alias,
// request, wait for the tagged reply or DOWN; a timeout drops the alias so a late reply
// never reaches the caller.
import { BadArgError, isDownMessage, TIMEOUT, type ProcessContext, type Ref } from '@troupe/runtime';
import { CallExitError, CallTimeoutError } from '../errors.js';
import { wait, type Steps } from '../proc/operation.js';
import { isReplyFor, type From, type ReplyMessage } from './from.js';
import { isSelf, type ServerRef } from './server-ref.js';

// Shared rather than a literal per call: a call makes one monitor and one demonitor.
const AS_ALIAS = Object.freeze({ alias: true });
const FLUSH = Object.freeze({ flush: true });

/**
 * The request/reply protocol every behaviour shares (calls, system requests, gen_event
 * requests), as Steps for any caller: {@link openRequest}, send, wait for the answer,
 * {@link readAnswer}. Process callers of `call` run the same pieces directly.
 */
export function* requestSteps(
  self: ProcessContext,
  server: ServerRef,
  message: (from: From) => unknown,
  timeoutMs: number,
): Steps<unknown> {
  const tag = openRequest(self, server);
  sendRequest(self, server, message({ pid: self.pid, tag }));
  const answer = yield wait(tag, answerMatcher(tag), timeoutMs);
  return readAnswer(self, server, tag, answer, timeoutMs);
}

/**
 * Starts a request: the monitor ref doubles as the alias the reply is sent to and marks
 * the mailbox, so the wait never scans messages that were queued before it.
 */
export function openRequest(self: ProcessContext, server: ServerRef): Ref {
  if (isSelf(self, server)) throw new CallExitError(server, 'calling_self');
  return self.monitor(server, AS_ALIAS);
}

/** Sends the request; an unregistered local name has already queued a DOWN (noproc) for the monitor. */
export function sendRequest(self: ProcessContext, server: ServerRef, message: unknown): void {
  try {
    self.send(server, message);
  } catch (error) {
    if (!(error instanceof BadArgError)) throw error;
  }
}

/** What the wait accepts: the reply tagged `tag`, or the DOWN of that monitor. */
export function answerMatcher(tag: Ref): (message: unknown) => boolean {
  return (message) => isReplyFor(message, tag) || isDownMessage(message, tag);
}

/** Ends a request with what the wait returned: the reply, or a thrown CallExitError / CallTimeoutError. */
export function readAnswer(self: ProcessContext, server: ServerRef, tag: Ref, answer: unknown, timeoutMs: number): unknown {
  if (answer === TIMEOUT) {
    // Ends the monitor and its alias: a reply sent from now on is dropped by the runtime.
    self.demonitor(tag, FLUSH);
    throw new CallTimeoutError(server, timeoutMs);
  }
  if (isDownMessage(answer)) throw new CallExitError(server, answer.reason);
  self.demonitor(tag, FLUSH);
  return (answer as ReplyMessage).reply;
}

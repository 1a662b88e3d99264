// Cast envelopes: casts of one atom-like request (a short string, a boolean, null or
// undefined) share a single frozen `{'$gen_cast', Request}`. A burst of casts then queues
// no object per cast: a million queued envelopes were what the young-generation GC spent
// most of a cast burst copying. Sharing is invisible: messages are immutable, and none is
// told apart by identity.
import type { CastMessage } from './call.js';

// Bounds what the table keeps alive; requests beyond it get an envelope of their own.
const MAX_SHARED = 64;
const MAX_SHARED_STRING_LENGTH = 64;
const shared = new Map<unknown, CastMessage>();
// The last shared envelope handed out: a burst casts one request over and over, and an
// identity compare is cheaper than hashing into the table each time.
let last: CastMessage | undefined;

/** The envelope of a cast of `request`: a shared one for an atom-like request, else a new one. */
export function castEnvelope(request: unknown): CastMessage {
  if (last !== undefined && last.request === request) return last;
  if (!isAtomLike(request)) return { kind: '$gen_cast', request };
  let envelope = shared.get(request);
  if (envelope === undefined) {
    envelope = Object.freeze({ kind: '$gen_cast', request }) satisfies CastMessage;
    if (shared.size >= MAX_SHARED) return envelope;
    shared.set(request, envelope);
  }
  return (last = envelope);
}

// Numbers are left out: a counter cast as a request would only churn the table.
function isAtomLike(request: unknown): boolean {
  return (typeof request === 'string' && request.length <= MAX_SHARED_STRING_LENGTH) || typeof request === 'boolean' || request == null;
}

/**
 * What this process knows about the realtime streams it runs, whatever client or store they came from:
 * - session keys with a live stream: a second stream on one key is refused at once (the API forbids two
 *   connections on one key: the server would split or duplicate the queue between them);
 * - URLs with an open stream: the API allows one connection per URL, so a second stream on the same URL
 *   (two update streams of one site) waits for the first to end instead of provoking 429s.
 */
import { WebSocketError } from '../http/errors';

const liveKeys = new Map<string, string>();
const urlQueues = new Map<string, Array<() => void>>();

/** Shortened for messages: enough to recognise a key. */
export function keyHint(sessionKey: string): string {
  return sessionKey.length > 12 ? `${sessionKey.slice(0, 8)}…` : sessionKey;
}

/**
 * Marks session key `name` (host + key) as live in this process; throws `WebSocketError` when it already is.
 * Returns the release function (idempotent).
 */
export function claimSessionKey(name: string, sessionKey: string, holder: string): () => void {
  const other = liveKeys.get(name);
  if (other !== undefined) {
    throw new WebSocketError(
      `session key ${keyHint(sessionKey)} is already in use by ${other} in this process; the API allows one connection per ` +
        'session key (two would split the queue and duplicate or lose messages). Close that stream first, or use another key.',
    );
  }
  liveKeys.set(name, holder);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (liveKeys.get(name) === holder) liveKeys.delete(name);
  };
}

/**
 * Waits for the URL slot (one open stream per URL in this process), FIFO. Resolves with the release
 * function; rejects with the signal's reason if it aborts first.
 */
export function acquireUrlSlot(url: string, signal?: AbortSignal): Promise<() => void> {
  return new Promise((resolve, reject) => {
    let queue = urlQueues.get(url);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const q = urlQueues.get(url);
      if (!q) return;
      q.shift();
      if (q.length === 0) urlQueues.delete(url);
      else q[0]!();
    };
    const grant = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve(release);
    };
    const onAbort = (): void => {
      const q = urlQueues.get(url);
      const i = q ? q.indexOf(grant) : -1;
      if (q && i > 0) q.splice(i, 1);
      reject(signal?.reason);
    };
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    if (!queue) {
      urlQueues.set(url, (queue = [grant]));
      grant();
      return;
    }
    queue.push(grant);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

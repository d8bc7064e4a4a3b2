/**
 * The socket class handed to partysocket. partysocket (like reconnecting-websocket) builds each socket as
 * `new WebSocket(url, protocols)`, which leaves no room for request headers; a small `ws` subclass puts the
 * `Authorization` header in, taking the current token from its owner at construction.
 *
 * It also keeps messages off the EventTarget path: the owner reads them straight from the `ws` emitter
 * (`'message'`, Buffer) in `adopt`, and the subclass ignores partysocket's `addEventListener('message')`.
 * That skips two event objects and an EventTarget dispatch per message, a large share of the cost of a
 * one-row message, and gives the owner the real socket for `pause()`/`resume()` (back-pressure).
 */
import WebSocket from 'ws';

export interface SocketOwner {
  /** Headers for the next handshake (read once per socket). */
  headers(): Record<string, string>;
  /** Called with each new socket, before any of its events can fire. */
  adopt(socket: WebSocket): void;
  /** Largest message accepted, in bytes. */
  readonly maxPayload: number;
}

/** A `ws` subclass bound to `owner`, constructible as `new Socket(url, protocols)`. */
export function socketClass(owner: SocketOwner): new (url: string | URL, protocols?: string | string[]) => WebSocket {
  return class RestreamSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      // No UTF-8 validation of text frames: `toString()` turns a bad sequence into U+FFFD and JSON.parse then
      // either accepts it as text or fails the frame; checking every byte first costs more than it saves.
      super(url, protocols ?? [], { headers: owner.headers(), perMessageDeflate: false, maxPayload: owner.maxPayload, followRedirects: false, skipUTF8Validation: true });
      const add = this.addEventListener.bind(this) as (type: string, listener: unknown, options?: unknown) => void;
      // Messages are read by the owner from the emitter; partysocket's message listener is not needed.
      (this as { addEventListener: unknown }).addEventListener = (type: string, listener: unknown, options?: unknown): void => {
        if (type !== 'message') add(type, listener, options);
      };
      owner.adopt(this);
    }
  };
}

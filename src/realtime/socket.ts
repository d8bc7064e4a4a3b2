/**
 * The socket "class" handed to partysocket. partysocket (like reconnecting-websocket) builds each socket as
 * `new WebSocket(url, protocols)`, which leaves no room for request headers or a proxy agent; this
 * constructor instead asks its owner to open a `ws` socket with the SDK's options (the `Authorization`
 * header with the current token, the client's proxy agent and CAs, through the client's WebSocket
 * factory) and returns that socket, which is what `new` then yields.
 *
 * It also keeps messages off the EventTarget path: the owner reads them straight from the `ws` emitter
 * (`'message'`, Buffer) in `adopt`, and the socket ignores partysocket's `addEventListener('message')`.
 * That skips two event objects and an EventTarget dispatch per message, a large share of the cost of a
 * one-row message, and gives the owner the real socket for `pause()`/`resume()` (back-pressure).
 */
import type { WebSocket } from 'ws';
import type { WebSocketOptions } from '../http/network';

export interface SocketOwner {
  /** Headers for the next handshake (read once per socket). */
  headers(): Record<string, string>;
  /** Opens the socket (the client's proxy, CAs and WebSocket factory apply). */
  open(url: string, protocols: string[], options: WebSocketOptions): WebSocket;
  /** Called with each new socket, before any of its events can fire. */
  adopt(socket: WebSocket): void;
  /** Largest message accepted, in bytes. */
  readonly maxPayload: number;
}

/** A constructor bound to `owner`, usable as `new Socket(url, protocols)`; it returns the owner's socket. */
export function socketClass(owner: SocketOwner): new (url: string | URL, protocols?: string | string[]) => WebSocket {
  function RestreamSocket(url: string | URL, protocols?: string | string[]): WebSocket {
    // No UTF-8 validation of text frames: `toString()` turns a bad sequence into U+FFFD and JSON.parse then
    // either accepts it as text or fails the frame; checking every byte first costs more than it saves.
    const socket = owner.open(String(url), protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols], {
      headers: owner.headers(),
      perMessageDeflate: false,
      maxPayload: owner.maxPayload,
      followRedirects: false,
      skipUTF8Validation: true,
    });
    const add = socket.addEventListener.bind(socket) as (type: string, listener: unknown, options?: unknown) => void;
    // Messages are read by the owner from the emitter; partysocket's message listener is not needed.
    (socket as { addEventListener: unknown }).addEventListener = (type: string, listener: unknown, options?: unknown): void => {
      if (type !== 'message') add(type, listener, options);
    };
    owner.adopt(socket);
    return socket;
  }
  // Called with `new`, a function that returns an object yields that object.
  return RestreamSocket as unknown as new (url: string | URL, protocols?: string | string[]) => WebSocket;
}

// The recorder's typed events: what passed the proxy, already redacted, for the store writer and live views.
import type { Logger } from '../common/logger.js';
import type { NewBayeuxRow, NewExchange, NewFrameRow } from '../store/index.js';

/**
 * Event name -> payload. Every payload is redacted (safe to show or store) and carries the session's ids.
 * - `exchange`: an HTTP exchange or WebSocket connection, emitted when it ended (a WebSocket connection
 *   is emitted once when the upgrade was answered, and again, complete, when it closed).
 * - `bayeux-message`: one Bayeux message, either direction, either transport.
 * - `frame`: one WebSocket message (text, binary, ping, pong or close).
 */
export interface RecorderEventMap {
  exchange: NewExchange;
  'bayeux-message': NewBayeuxRow;
  frame: NewFrameRow;
}

export type RecorderEventName = keyof RecorderEventMap;
export type RecorderListener<K extends RecorderEventName> = (payload: RecorderEventMap[K]) => void;

/**
 * A small typed emitter. A listener that throws is logged and skipped: one bad subscriber (a live view)
 * must never break traffic or the other subscribers (the store writer). Subscribing and unsubscribing
 * replace a list instead of changing it, so an event goes to the listeners there were when it was emitted
 * (as with Node's EventEmitter), whatever they do meanwhile, and emitting copies nothing.
 */
export class RecorderEvents {
  readonly #listeners: { [K in RecorderEventName]: ReadonlyArray<RecorderListener<K>> } = {
    exchange: [],
    'bayeux-message': [],
    frame: [],
  };
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends RecorderEventName>(name: K, listener: RecorderListener<K>): () => void {
    this.#set(name, [...this.#listeners[name], listener]);
    return () => this.off(name, listener);
  }

  off<K extends RecorderEventName>(name: K, listener: RecorderListener<K>): void {
    const list = this.#listeners[name];
    const index = list.indexOf(listener);
    if (index !== -1) this.#set(name, [...list.slice(0, index), ...list.slice(index + 1)]);
  }

  emit<K extends RecorderEventName>(name: K, payload: RecorderEventMap[K]): void {
    for (const listener of this.#listeners[name]) {
      try {
        listener(payload);
      } catch (err) {
        this.#logger.error({ err, event: name }, 'recorder event listener failed; traffic continues');
      }
    }
  }

  // TypeScript cannot tie a mapped type's entry to a generic key on assignment.
  #set<K extends RecorderEventName>(name: K, list: ReadonlyArray<RecorderListener<K>>): void {
    (this.#listeners as Record<K, ReadonlyArray<RecorderListener<K>>>)[name] = list;
  }
}

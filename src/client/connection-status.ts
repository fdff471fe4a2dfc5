import type { DjustClient } from './djust-client.js';
import type { MountedViewHandle } from './mounted-view.handle.js';

/**
 * Where a {@link DjustClient}'s connection stands:
 * - `live`: connected, and every view it had is mounted (again);
 * - `reconnecting`: the connection dropped and socket.io is retrying, or it
 *   is back and the views are being mounted again (calls made meanwhile wait);
 * - `offline`: disconnected for good — the client was closed, or the server
 *   ended or refused the connection; socket.io does not retry.
 */
export type DjustConnectionState = 'live' | 'reconnecting' | 'offline';

/** Options of {@link watchConnection}. */
export interface WatchConnectionOptions {
  /**
   * While views are being mounted again, how often to look for one whose
   * remount failed (the client then drops it and reports the error to its
   * `onError`), ms. Default 500.
   */
  recheckMs?: number;
}

/**
 * Calls `listener` with the client's connection state now and on every
 * change, e.g. to show "reconnecting…" in a page. Built on socket.io's own
 * events and the client's public view handles: `live` comes back once every
 * view the client had when the connection dropped has a new `ref` (mounted
 * again, on whichever process answered) or is gone. Returns the function that
 * stops watching.
 *
 * @example
 * ```ts
 * const client = await connectDjust('');
 * watchConnection(client, (state) => (badge.textContent = state));
 * ```
 */
export function watchConnection(client: DjustClient, listener: (state: DjustConnectionState) => void, options: WatchConnectionOptions = {}): () => void {
  const socket = client.socket;
  const recheckMs = options.recheckMs ?? 500;
  let state: DjustConnectionState | undefined;
  /** The views to see mounted again, with the ref each had before. */
  let waiting = new Map<MountedViewHandle, string>();
  let stopListening: (() => void)[] = [];
  let recheck: ReturnType<typeof setInterval> | undefined;

  const set = (next: DjustConnectionState): void => {
    if (next === state) return;
    state = next;
    listener(next);
  };
  const clearWaiting = (): void => {
    for (const stop of stopListening) stop();
    stopListening = [];
    waiting = new Map();
    if (recheck !== undefined) clearInterval(recheck);
    recheck = undefined;
  };
  /** `live` once no view is left to mount again (mounted: a new ref; or dropped by the client). */
  const settle = (): void => {
    if (!socket.connected) return;
    const alive = new Set(client.views);
    for (const [view, ref] of waiting) {
      if (view.ref !== ref || !alive.has(view)) waiting.delete(view);
    }
    if (waiting.size > 0) return;
    clearWaiting();
    set('live');
  };

  const onDisconnect = (): void => {
    clearWaiting();
    // The client mounts again the views alive now (it keeps them while socket.io retries).
    for (const view of client.views) waiting.set(view, view.ref);
    set(socket.active ? 'reconnecting' : 'offline');
  };
  const onConnect = (): void => {
    for (const view of waiting.keys()) stopListening.push(view.onAssigns(settle));
    if (waiting.size > 0 && recheckMs > 0) recheck = setInterval(settle, recheckMs);
    settle();
  };
  const onConnectError = (): void => {
    // A refusal by the server (a middleware's error) is final: socket.io does not retry it.
    if (!socket.active) {
      clearWaiting();
      set('offline');
    }
  };

  socket.on('disconnect', onDisconnect);
  socket.on('connect', onConnect);
  socket.on('connect_error', onConnectError);
  set(socket.connected ? 'live' : socket.active ? 'reconnecting' : 'offline');
  return () => {
    socket.off('disconnect', onDisconnect);
    socket.off('connect', onConnect);
    socket.off('connect_error', onConnectError);
    clearWaiting();
  };
}

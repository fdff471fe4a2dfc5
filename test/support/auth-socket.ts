import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { checkedAck } from './ws-ack.js';

/** Upper bound for one socket round trip (I/O only; never a timing assertion). */
const IO_TIMEOUT_MS = 5_000;

type ConnectOptions = Partial<ManagerOptions & SocketOptions>;

/** An error from a refused connection (`connect_error`), with the server's `data`. */
export interface ConnectError {
  readonly message: string;
  readonly data?: any;
}

function open(url: string, prefix: string, options: ConnectOptions): Socket {
  return io(`${url}/${prefix}`, { forceNew: true, reconnection: false, timeout: IO_TIMEOUT_MS, ...options });
}

/**
 * Opens a socket.io client on the djust namespace and waits for `connect`.
 * Rejects with the `connect_error` when the server refuses. `extraHeaders`
 * (e.g. `cookie`, `origin`) are sent on the handshake like a browser would.
 */
export function connectSocket(url: string, options: ConnectOptions = {}, prefix = 'djust'): Promise<Socket> {
  const socket = open(url, prefix, options);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.disconnect();
      reject(err);
    });
  });
}

/** Expects the connection to be refused; resolves the `connect_error`. */
export async function connectRefused(url: string, options: ConnectOptions = {}, prefix = 'djust'): Promise<ConnectError> {
  try {
    const socket = await connectSocket(url, options, prefix);
    socket.disconnect();
  } catch (err) {
    const e = err as Error & { data?: unknown };
    return { message: e.message, data: e.data };
  }
  throw new Error('the connection was accepted');
}

/** Emits with an ack, bounded by the I/O timeout. */
export async function ack(socket: Socket, event: string, payload: unknown): Promise<any> {
  return checkedAck(await socket.timeout(IO_TIMEOUT_MS).emitWithAck(event, payload), payload);
}

/** `mount` then, when it succeeded, `event`: returns both acks. */
export async function mountAndCall(socket: Socket, view: string, handler: string, params: unknown = {}): Promise<{ mount: any; event: any }> {
  const mount = await ack(socket, 'mount', { view, params: {} });
  if (typeof mount?.ref !== 'string') return { mount, event: undefined };
  const event = await ack(socket, 'event', { ref: mount.ref, handler, params });
  return { mount, event };
}

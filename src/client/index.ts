/**
 * `nestjs-djust/client`: a typed socket.io client of nestjs-djust views, for
 * Node and the browser. It imports nothing at run time (socket.io-client only
 * as types): pass `io` from `socket.io-client`, or load `/socket.io/socket.io.js`
 * in the page, whose global `io` is used.
 *
 * @packageDocumentation
 */
export { DjustClient, connectDjust, type ConnectDjustOptions, type DjustClientOptions, type DjustSocket, type IoFactory } from './djust-client.js';
export { DjustClientError, isErrorAck, type DjustClientErrorKind } from './djust-client.error.js';
export { watchConnection, type DjustConnectionState, type WatchConnectionOptions } from './connection-status.js';
export type { AssignsListener, CallOptions, MountedViewHandle } from './mounted-view.handle.js';
export type {
  Assigns,
  AssignsPush,
  ErrorAck,
  EventAck,
  EventRequest,
  MountAck,
  MountRequest,
  Params,
  UnmountAck,
  UnmountRequest,
} from '../protocol/ws-protocol.js';

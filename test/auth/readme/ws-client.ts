import { io } from 'socket.io-client';

export async function shipOrder(baseUrl: string, token: string) {
  const socket = io(`${baseUrl}/djust`, { auth: { token } }); // sent as Authorization: Bearer <token>
  try {
    const mounted = await socket.timeout(5000).emitWithAck('mount', { view: 'order', params: {} });
    if (mounted.error) throw new Error(`mount failed: ${mounted.status} ${mounted.error}`);
    return await socket.timeout(5000).emitWithAck('event', { ref: mounted.ref, handler: 'update_status', params: { order_id: 42, status: 'shipped' } });
  } finally {
    socket.disconnect();
  }
}

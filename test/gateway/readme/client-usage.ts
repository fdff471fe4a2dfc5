// Node (or a bundler)
import { io } from 'socket.io-client';
import { connectDjust, DjustClientError } from 'nestjs-djust/client';

const client = await connectDjust('http://localhost:3000', { io, token: process.env.API_TOKEN });
const order = await client.mount<{ status: string }>('order', { id: 42 });
order.onAssigns((assigns, changed) => console.log('now', assigns, 'changed', changed));
try {
  const result = await order.call('update_status', { order_id: 42, status: 'shipped' });
  console.log(result, order.assigns.status); // assigns kept up to date from acks and pushes
} catch (err) {
  if (err instanceof DjustClientError) console.error(err.status, err.error, err.details);
}
await order.unmount();
client.close();

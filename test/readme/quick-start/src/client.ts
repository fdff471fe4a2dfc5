import { io } from 'socket.io-client';
import { connectDjust } from 'nestjs-djust/client';

const client = await connectDjust(process.argv[2] ?? 'http://localhost:3000', { io, token: process.env.API_TOKEN ?? 'dev-token' });
const order = await client.mount<{ status: string }>('order');
console.log(await order.call('update_status', { order_id: 42, status: 'delivered' }), order.assigns);
client.close();

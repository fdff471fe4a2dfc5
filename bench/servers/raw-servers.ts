/**
 * The same JSON work without Nest: a raw fastify route, a plain Express 5 route
 * and a raw node:http handler. Parse the JSON body, check the bearer token,
 * validate the two fields by hand, store, answer the envelope.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { OrderRepository, userFromAuthorization } from './bench-domain.js';

/** A running raw server. */
export interface RawServer {
  readonly port: number;
  close(): Promise<unknown>;
}

/** Validates like the DTO: `{ order_id: integer, status: string ≤ 50 }`, or an error map. */
function validate(body: unknown): { order_id: number; status: string } | Record<string, string[]> {
  const input = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  if (!Number.isInteger(input.order_id)) errors.order_id = ['order_id must be an integer number'];
  if (typeof input.status !== 'string') errors.status = ['status must be a string'];
  else if (input.status.length > 50) errors.status = ['status must be shorter than or equal to 50 characters'];
  return Object.keys(errors).length ? errors : { order_id: input.order_id as number, status: input.status as string };
}

/** The raw route's path. */
export const RAW_PATH = '/djust/api/order/update_status';

/** The route handler for a fastify instance (the body parsed by fastify). */
export function fastifyRawHandler(orders = new OrderRepository()) {
  return async (req: { headers: Record<string, unknown>; body: unknown }, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    if (!userFromAuthorization(req.headers.authorization)) return reply.code(401).send({ error: 'unauthenticated', details: {} });
    const dto = validate(req.body);
    if (!('order_id' in dto) || typeof dto.order_id !== 'number') return reply.code(400).send({ error: 'validation_error', details: dto });
    orders.setStatus(dto.order_id, dto.status as string);
    return { result: { order_id: dto.order_id, status: dto.status }, assigns: {} };
  };
}

/** The route handler for an express app (the body parsed by the app's JSON parser). */
export function expressRawHandler(orders = new OrderRepository()) {
  return (req: { headers: Record<string, unknown>; body: unknown }, res: { status(n: number): { json(b: unknown): void } }) => {
    if (!userFromAuthorization(req.headers.authorization)) return res.status(401).json({ error: 'unauthenticated', details: {} });
    const dto = validate(req.body);
    if (!('order_id' in dto) || typeof dto.order_id !== 'number') return res.status(400).json({ error: 'validation_error', details: dto });
    orders.setStatus(dto.order_id, dto.status as string);
    res.status(200).json({ result: { order_id: dto.order_id, status: dto.status }, assigns: {} });
  };
}

/** `POST /djust/api/order/update_status` on a bare fastify instance. */
export async function startRawFastify(): Promise<RawServer> {
  const app = Fastify({ logger: false });
  app.post(RAW_PATH, fastifyRawHandler());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, close: () => app.close() };
}

/** `POST /djust/api/order/update_status` on a plain Express 5 app: `express.json()`, then the handler. */
export async function startRawExpress(): Promise<RawServer> {
  const app = express();
  app.use(express.json());
  app.post(RAW_PATH, expressRawHandler());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The same on node:http. */
export async function startRawNode(): Promise<RawServer> {
  const orders = new OrderRepository();
  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== RAW_PATH) return send(res, 404, { error: 'not_found', details: {} });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!userFromAuthorization(req.headers.authorization)) return send(res, 401, { error: 'unauthenticated', details: {} });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: 'validation_error', details: { non_field_errors: ['Malformed JSON.'] } });
      }
      const dto = validate(body);
      if (!('order_id' in dto) || typeof dto.order_id !== 'number') return send(res, 400, { error: 'validation_error', details: dto });
      orders.setStatus(dto.order_id, dto.status as string);
      send(res, 200, { result: { order_id: dto.order_id, status: dto.status }, assigns: {} });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** The two HTTP adapters every e2e scenario runs over. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** A running app on 127.0.0.1, port 0. */
export interface RunningApp {
  readonly app: INestApplication;
  readonly url: string;
  close(): Promise<void>;
}

/** Boots a real Nest app on a real port (127.0.0.1:0) with the chosen adapter. */
export async function bootApp(
  module: Type,
  adapter: AdapterName,
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<RunningApp> {
  const app = await NestFactory.create(module, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: process.env.DJUST_TEST_LOGS ? undefined : false,
  });
  await configure?.(app);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, close: () => app.close() };
}

/** A parsed JSON response. */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

/** POSTs JSON (or a raw string body) and parses the answer. */
export async function post(url: string, body?: unknown, headers: Record<string, string> = {}, raw = false): Promise<JsonResponse> {
  const init: RequestInit = { method: 'POST', headers: { ...headers } };
  if (body !== undefined) {
    init.body = raw ? (body as string) : JSON.stringify(body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  return request(url, init);
}

/** Any request, parsed as JSON when possible. */
export async function request(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

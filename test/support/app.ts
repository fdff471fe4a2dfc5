import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { responseChecker, type SeenResponse } from './openapi-response-checker.js';

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
  await watchResponses(url);
  return {
    app,
    url,
    close: async () => {
      checkers.delete(url);
      await app.close();
    },
  };
}

/**
 * Response validation over the whole e2e run: every app booted here has its
 * live OpenAPI document loaded, and every answer `request()`/`post()` receives
 * from one of its documented operations must validate against the schema of
 * that operation and status (body and required headers), or the call throws.
 */
const checkers = new Map<string, { operations: Set<string>; check: (seen: SeenResponse) => string[] }>();
let validated = 0;

/** How many responses this process validated against an OpenAPI document so far. */
export const responsesValidated = (): number => validated;

async function watchResponses(url: string): Promise<void> {
  try {
    const res = await fetch(`${url}/djust/api/openapi.json`);
    if (res.status !== 200) return;
    const document = (await res.json()) as { paths?: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    checkers.set(url, { operations: new Set(operations), check: responseChecker(document) });
  } catch {
    // not a djust app with the default prefix: nothing to validate against
  }
}

function validateResponse(url: string, method: string, status: number, headers: Headers, body: unknown): void {
  const { origin, pathname } = new URL(url);
  const watched = checkers.get(origin);
  if (!watched) return;
  // The documented operation this request reached (a handler's path answers with or without its trailing slash).
  const path = [pathname, `${pathname}/`].find((p) => watched.operations.has(`${method} ${p}`));
  if (path === undefined) return; // a probe of an operation that does not exist
  const problems = watched.check({ method, path, status, headers: Object.fromEntries(headers), body });
  validated++;
  if (problems.length) throw new Error(`the response does not match the OpenAPI document:\n${problems.join('\n')}`);
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
  validateResponse(url, (init.method ?? 'GET').toUpperCase(), res.status, res.headers, body);
  return { status: res.status, headers: res.headers, body, text };
}

import type { Logger } from '@nestjs/common';
import type { CallOutcome } from '../core/djust-pipeline.service.js';
import type { DjustException } from '../errors/djust.exception.js';
import { errorOutcome, type DjustHttpApi } from './djust-http-api.service.js';
import {
  BASE_HEADERS,
  isJsonMediaType,
  malformedJson,
  methodNotAllowed,
  parseJsonBody,
  payloadTooLarge,
  unsupportedMediaType,
  type RawHttpRequest,
} from './http-request.js';

type Req = any;
type Res = any;

/**
 * Serves the djust API on an express app. The app's JSON body parser (Nest's
 * default) may already have parsed the body; its errors reach the error
 * middleware registered here and keep the envelope. Without a body parser,
 * the body is read here with the `bodyLimit`.
 */
export function bindExpress(app: any, api: DjustHttpApi, logger: Logger): void {
  const base = `/${api.options.prefix}/api`;
  const limit = api.options.bodyLimit;

  const raw = (req: Req): RawHttpRequest => ({ request: req, headers: req.headers, ip: req.ip, session: req.session });
  const send = (res: Res, outcome: CallOutcome): void => {
    if (res.headersSent) return;
    res.status(outcome.status);
    res.set({ ...BASE_HEADERS, ...outcome.headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(outcome.json ?? JSON.stringify(outcome.body));
  };
  const fail = (res: Res, err: unknown): void => {
    logger.error(`djust HTTP binding failed: ${err instanceof Error ? err.stack : String(err)}`);
    send(res, { status: 500, body: { error: 'handler_error', details: {} } });
  };

  const call = async (req: Req, res: Res, slug: string, handler: string, bodyError?: DjustException): Promise<void> => {
    let body: unknown = undefined;
    if (!bodyError) {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limit) return send(res, errorOutcome(payloadTooLarge(limit)));
      const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
      if (hasBody && !isJsonMediaType(req.headers['content-type'])) return send(res, errorOutcome(unsupportedMediaType()));
      if (req._body === true || req.body !== undefined || req.readableEnded) {
        body = req.body; // parsed by the app's body parser (express 5 leaves req.body undefined otherwise)
      } else if (hasBody) {
        const text = await readBody(req, limit);
        if (text === null) return send(res, errorOutcome(payloadTooLarge(limit)));
        const parsed = parseJsonBody(text);
        body = parsed.body;
        bodyError = parsed.error;
      }
    }
    send(res, await api.call(slug, handler, raw(req), body, bodyError));
  };

  app.get(`${base}/csrf`, (req: Req, res: Res) => send(res, api.csrf(raw(req))));
  app.get(`${base}/openapi.json`, (req: Req, res: Res) => {
    api.openapi(raw(req)).then((o) => send(res, o), (e) => fail(res, e));
  });
  app.post(`${base}/:view/:handler`, (req: Req, res: Res) => {
    call(req, res, req.params.view, req.params.handler).catch((e) => fail(res, e));
  });
  for (const method of ['get', 'put', 'patch', 'delete']) {
    app[method](`${base}/:view/:handler`, (_req: Req, res: Res) => send(res, errorOutcome(methodNotAllowed())));
  }
  // Errors of the app's body parser (malformed JSON, too large, bad charset) on our paths.
  app.use(base, (err: any, req: Req, res: Res, next: (e?: unknown) => void) => {
    const match = /^\/([^/]+)\/([^/]+)\/?$/.exec(req.path ?? '');
    if (!match || req.method !== 'POST') return next(err);
    const type: string | undefined = err?.type;
    if (type === 'entity.too.large') return send(res, errorOutcome(payloadTooLarge(limit)));
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return send(res, errorOutcome(unsupportedMediaType()));
    call(req, res, decodeURIComponent(match[1]), decodeURIComponent(match[2]), malformedJson()).catch((e) => fail(res, e));
  });
}

/** Reads the request body as UTF-8, or `null` when it exceeds `limit` bytes. */
function readBody(req: Req, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e: unknown) => {
      if (!done) reject(e);
    });
    req.on('close', () => {
      if (!done && !req.complete) {
        done = true;
        reject(new Error('client closed the request'));
      }
    });
  });
}

import type { Logger } from '@nestjs/common';
import type { CallOutcome } from '../core/djust-pipeline.service.js';
import { notFound, type DjustException } from '../errors/djust.exception.js';
import { jsonSizeExceeds } from '../serialization/json-size.util.js';
import { errorOutcome, type DjustHttpApi } from './djust-http-api.service.js';
import { errorDetail, labelOf } from '../logging/safe-format.util.js';
import {
  decodeSegment,
  isJsonMediaType,
  malformedJson,
  methodNotAllowed,
  parseJsonBody,
  payloadTooLarge,
  responseHeaders,
  unsupportedMediaType,
  upstreamFailure,
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
    res.writeHead(outcome.status, responseHeaders(outcome.headers));
    res.end(outcome.json ?? JSON.stringify(outcome.body));
  };
  const fail = (res: Res, err: unknown): void => {
    logger.error(`djust HTTP binding failed: ${errorDetail(err)}`);
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
        // A chunked body has no Content-Length to check up front: measure what the parser produced.
        if (!(declared > 0) && body !== undefined && jsonSizeExceeds(body, limit)) return send(res, errorOutcome(payloadTooLarge(limit)));
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
  // Errors raised on our paths before the route answered (any method but POST: 405): the app's body parser (malformed JSON,
  // too large, bad charset; body-parser errors carry a `type`), an undecodable URL (404: such a
  // name names no view), or another middleware of the app, e.g. a failing session store
  // (`upstreamFailure`: 503, the error's message is logged, never sent).
  app.use(base, (err: any, req: Req, res: Res, next: (e?: unknown) => void) => {
    const match = /^\/([^/]+)\/([^/]+)\/?$/.exec(req.path ?? '');
    if (!match) {
      if (req.path !== '/csrf' && req.path !== '/openapi.json') return next(err);
      logger.error(`a middleware failed before the djust route ${labelOf(req.method)} ${labelOf(req.path)}: ${errorDetail(err)}`);
      return send(res, errorOutcome(upstreamFailure(err)));
    }
    if (req.method !== 'POST') return send(res, errorOutcome(methodNotAllowed()));
    const type: string | undefined = err?.type;
    if (type === 'entity.too.large') return send(res, errorOutcome(payloadTooLarge(typeof err.limit === 'number' ? Math.min(err.limit, limit) : limit)));
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return send(res, errorOutcome(unsupportedMediaType()));
    const slug = decodeSegment(match[1]);
    const handler = decodeSegment(match[2]);
    if (slug === undefined || handler === undefined) return send(res, errorOutcome(notFound()));
    if (typeof type !== 'string') {
      logger.error(`a middleware failed before the djust route ${labelOf(req.method)} ${labelOf(req.path)}: ${errorDetail(err)}`);
      return send(res, errorOutcome(upstreamFailure(err)));
    }
    call(req, res, slug, handler, malformedJson()).catch((e) => fail(res, e));
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

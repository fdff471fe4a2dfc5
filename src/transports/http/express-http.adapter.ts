import type { Logger } from '@nestjs/common';
import { errorDetail, labelOf } from '../../common/safe-format.util.js';
import { handlerError, malformedJson, methodNotAllowed, notFound, payloadTooLarge, unsupportedMediaType } from '../../protocol/wire-errors.js';
import { apiBasePath } from '../../protocol/routes.js';
import { jsonSizeExceeds } from '../../serialization/json-size.util.js';
import type { HttpApi } from './http-api.js';
import type { HttpAnswer } from './http-encoder.js';
import { decodeSegment, isJsonMediaType, parseJsonBody, upstreamFailure, type DecodedBody, type HttpRequestView } from './http-request.js';

type Req = any;
type Res = any;

/** `/<slug>/<handler>` with an optional trailing slash, relative to the API base. */
const OPERATION = /^\/([^/]+)\/([^/]+)\/?$/;
/** The GET endpoints under the API base. */
const DOCUMENTS = new Set(['/csrf', '/openapi.json']);

/**
 * Serves the djust API on an express app. The app's JSON body parser (Nest's
 * default) may already have parsed the body; its errors reach the error
 * middleware registered here and keep the envelope. Without a body parser,
 * the body is read here with the `bodyLimit`. Every answer under the API base
 * is the envelope: a path that names no operation is 404, another method
 * than POST on an operation is 405.
 */
export function bindExpress(app: any, api: HttpApi, logger: Logger): void {
  const base = apiBasePath(api.options.prefix);
  const limit = api.options.bodyLimit;
  const view = (req: Req): HttpRequestView => ({ request: req, headers: req.headers, ip: req.ip, session: req.session });
  const send = (res: Res, answer: HttpAnswer): void => {
    if (res.headersSent) return;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };
  const fail = (req: Req, res: Res, err: unknown): void => {
    logger.error(`djust HTTP adapter failed: ${errorDetail(err)}`);
    send(res, api.refuse(req, handlerError()));
  };

  const call = async (req: Req, res: Res, slug: string, handler: string, decoded?: DecodedBody): Promise<void> => {
    if (!decoded) {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limit) return send(res, api.refuse(req, payloadTooLarge(limit)));
      const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
      if (hasBody && !isJsonMediaType(req.headers['content-type'])) return send(res, api.refuse(req, unsupportedMediaType()));
      if (req.body !== undefined || req.readableEnded) {
        // Parsed by the app's body parser. A chunked body has no Content-Length to check up front: measure what it produced.
        if (!(declared > 0) && req.body !== undefined && jsonSizeExceeds(req.body, limit)) return send(res, api.refuse(req, payloadTooLarge(limit)));
        decoded = { body: req.body };
      } else if (hasBody) {
        const text = await readBody(req, limit);
        if (text === null) return send(res, api.refuse(req, payloadTooLarge(limit)));
        decoded = parseJsonBody(text);
      } else {
        decoded = { body: undefined };
      }
    }
    send(res, await api.call(view(req), slug, handler, decoded.body, decoded.error));
  };

  app.get(`${base}/csrf`, (req: Req, res: Res) => {
    api.csrf(view(req)).then((a) => send(res, a), (e: unknown) => fail(req, res, e));
  });
  app.get(`${base}/openapi.json`, (req: Req, res: Res) => {
    api.openapi(view(req)).then((a) => send(res, a), (e: unknown) => fail(req, res, e));
  });
  app.post(`${base}/:view/:handler`, (req: Req, res: Res) => {
    call(req, res, req.params.view, req.params.handler).catch((e: unknown) => fail(req, res, e));
  });
  // Anything else under the base: 405 on an operation's path or a document's, 404 for a path that names nothing.
  app.use(base, (req: Req, res: Res) => {
    if (DOCUMENTS.has(req.path)) return send(res, api.refuse(req, methodNotAllowed(), 'GET, HEAD'));
    send(res, api.refuse(req, OPERATION.test(req.path ?? '') ? methodNotAllowed() : notFound()));
  });
  // Errors raised on our paths before a route answered: the app's body parser (malformed JSON, too large, bad
  // charset; body-parser errors carry a `type`), an undecodable URL (404: such a name names no view), or another
  // middleware of the app, e.g. a failing session store (`upstreamFailure`: 503; its message is logged, never sent).
  app.use(base, (err: any, req: Req, res: Res, _next: unknown) => {
    const path: string = req.path ?? '';
    const match = OPERATION.exec(path);
    if (!match && !DOCUMENTS.has(path)) return send(res, api.refuse(req, notFound()));
    if (match && req.method !== 'POST') return send(res, api.refuse(req, methodNotAllowed()));
    const slug = match ? decodeSegment(match[1]) : undefined;
    const handler = match ? decodeSegment(match[2]) : undefined;
    if (match && (slug === undefined || handler === undefined)) return send(res, api.refuse(req, notFound()));
    if (!match || typeof err?.type !== 'string') {
      logger.error(`a middleware failed before the djust route ${labelOf(req.method)} ${labelOf(path)}: ${errorDetail(err)}`);
      return send(res, api.refuse(req, upstreamFailure(err)));
    }
    const type: string = err.type;
    if (type === 'entity.too.large') return send(res, api.refuse(req, payloadTooLarge(typeof err.limit === 'number' ? Math.min(err.limit, limit) : limit)));
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return send(res, api.refuse(req, unsupportedMediaType()));
    // body-parser's strict mode refuses a top-level scalar as "entity.parse.failed": it is well-formed JSON, so
    // decode it again and let the core answer "Expected a JSON object." like every other transport.
    const decoded = type === 'entity.parse.failed' && typeof err.body === 'string' ? parseJsonBody(err.body) : { body: undefined, error: malformedJson() };
    call(req, res, slug!, handler!, decoded).catch((e: unknown) => fail(req, res, e));
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

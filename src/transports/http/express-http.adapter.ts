import type { Logger } from '@nestjs/common';
import { errorDetail, labelOf } from '../../common/safe-format.util.js';
import { apiBasePath } from '../../protocol/routes.js';
import { handlerError, methodNotAllowed, notFound } from '../../protocol/wire-errors.js';
import { decodeBodyParserError, decodeExpressBody } from './express-body.js';
import type { HttpApi } from './http-api.js';
import type { HttpAnswer } from './http-encoder.js';
import { decodeSegment, isRefusal, upstreamFailure, type DecodedBody, type HttpRequestView } from './http-request.js';

type Req = any;
type Res = any;

/** `/<slug>/<handler>` with an optional trailing slash, relative to the API base. */
const OPERATION = /^\/([^/]+)\/([^/]+)\/?$/;
/** The GET endpoints under the API base. */
const DOCUMENTS = new Set(['/csrf', '/openapi.json']);

/** Reads an express request as the transports see it. */
export function expressView(req: Req): HttpRequestView {
  return { request: req, headers: req.headers, ip: req.ip, session: req.session };
}

/** Writes an answer (unless something already answered). */
export function sendExpress(res: Res, answer: HttpAnswer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/**
 * Serves the djust API on an express app. The app's JSON body parser (Nest's
 * default) may already have parsed the body; its errors reach the error
 * middleware registered here and keep the envelope. Every answer under the
 * API base is the envelope: a path that names no operation is 404, another
 * method than POST on an operation is 405.
 */
export function bindExpress(app: any, api: HttpApi, logger: Logger): void {
  const base = apiBasePath(api.options.prefix);
  const limit = api.options.bodyLimit;
  const fail = (req: Req, res: Res, err: unknown): void => {
    logger.error(`djust HTTP adapter failed: ${errorDetail(err)}`);
    sendExpress(res, api.refuse(req, handlerError()));
  };
  const call = async (req: Req, res: Res, slug: string, handler: string, decoded?: DecodedBody): Promise<void> => {
    const body = decoded ?? (await decodeExpressBody(req, limit));
    if (isRefusal(body)) return sendExpress(res, api.refuse(req, body));
    sendExpress(res, await api.call(expressView(req), slug, handler, body.body, body.error));
  };

  app.get(`${base}/csrf`, (req: Req, res: Res) => {
    api.csrf(expressView(req)).then((a) => sendExpress(res, a), (e: unknown) => fail(req, res, e));
  });
  app.get(`${base}/openapi.json`, (req: Req, res: Res) => {
    api.openapi(expressView(req)).then((a) => sendExpress(res, a), (e: unknown) => fail(req, res, e));
  });
  app.post(`${base}/:view/:handler`, (req: Req, res: Res) => {
    call(req, res, req.params.view, req.params.handler).catch((e: unknown) => fail(req, res, e));
  });
  // Anything else under the base: 405 on an operation's path or a document's, 404 for a path that names nothing.
  app.use(base, (req: Req, res: Res) => {
    if (DOCUMENTS.has(req.path)) return sendExpress(res, api.refuse(req, methodNotAllowed(), 'GET, HEAD'));
    sendExpress(res, api.refuse(req, OPERATION.test(req.path ?? '') ? methodNotAllowed() : notFound()));
  });
  // Errors raised on our paths before a route answered: the app's body parser (malformed JSON, too large, bad
  // charset), an undecodable URL (404: such a name names no view), or another middleware of the app, e.g. a
  // failing session store (`upstreamFailure`: 503; its message is logged, never sent).
  app.use(base, (err: any, req: Req, res: Res, _next: unknown) => {
    const path: string = req.path ?? '';
    const match = OPERATION.exec(path);
    if (!match && !DOCUMENTS.has(path)) return sendExpress(res, api.refuse(req, notFound()));
    if (match && req.method !== 'POST') return sendExpress(res, api.refuse(req, methodNotAllowed()));
    const slug = match ? decodeSegment(match[1]) : undefined;
    const handler = match ? decodeSegment(match[2]) : undefined;
    if (match && (slug === undefined || handler === undefined)) return sendExpress(res, api.refuse(req, notFound()));
    const decoded = match ? decodeBodyParserError(err, limit) : undefined;
    if (decoded === undefined) {
      logger.error(`a middleware failed before the djust route ${labelOf(req.method)} ${labelOf(path)}: ${errorDetail(err)}`);
      return sendExpress(res, api.refuse(req, upstreamFailure(err)));
    }
    if (isRefusal(decoded)) return sendExpress(res, api.refuse(req, decoded));
    call(req, res, slug!, handler!, decoded).catch((e: unknown) => fail(req, res, e));
  });
}

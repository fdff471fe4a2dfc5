import type { Logger } from '@nestjs/common';
import { errorDetail } from '../../common/safe-format.util.js';
import type { DjustException } from '../../protocol/djust.exception.js';
import { methodNotAllowed, notFound, payloadTooLarge, unsupportedMediaType } from '../../protocol/wire-errors.js';
import { apiBasePath } from '../../protocol/routes.js';
import type { HttpApi } from './http-api.js';
import type { HttpAnswer } from './http-encoder.js';
import { isJsonMediaType, isRefusal, parseJsonBody, upstreamFailure, type DecodedBody, type HttpRequestView } from './http-request.js';

/** `/<slug>/<handler>` with an optional trailing slash, relative to the API base (query string excluded). */
const OPERATION = /^\/([^/?]+)\/([^/?]+)\/?(?:\?|$)/;
/** The GET endpoints under the API base. */
const DOCUMENTS = /^\/(?:csrf|openapi\.json)(?:\?|$)/;

/** Reads a fastify request as the transports see it. */
export function fastifyView(req: any): HttpRequestView {
  return { request: req, headers: req.headers, ip: req.ip, session: req.session };
}

/** Writes an answer through fastify's reply. */
export function sendFastify(reply: any, answer: HttpAnswer): unknown {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

/**
 * In an encapsulated plugin: takes every body as a string within `limit`, so
 * the routes parse JSON themselves and malformed or oversized bodies keep the
 * envelope; body errors fastify raises (too large, bad media type) become
 * 413/415, any other hook failure before the route `upstreamFailure` (logged).
 */
export function useStringBodies(child: any, limit: number, refuse: (req: any, error: DjustException) => HttpAnswer, logger: Logger): void {
  child.removeAllContentTypeParsers();
  const asString = (_req: unknown, body: string, done: (e: unknown, b?: unknown) => void) => done(null, body);
  // The same parser under its own media type too: fastify caches the lookup of a named type, while the
  // catch-all alone parses the Content-Type header again on every request.
  child.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: limit }, asString);
  child.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limit }, asString);
  child.setErrorHandler((err: any, req: any, reply: any) => {
    if (err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err?.statusCode === 413) return sendFastify(reply, refuse(req, payloadTooLarge(limit)));
    if (err?.statusCode === 415 || err?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendFastify(reply, refuse(req, unsupportedMediaType()));
    logger.error(`a hook failed before the djust route: ${errorDetail(err)}`);
    return sendFastify(reply, refuse(req, upstreamFailure(err)));
  });
}

/** The string body of a request in a {@link useStringBodies} plugin, decoded; a 413/415 refusal as a wire error. */
export function decodeFastifyBody(req: any, limit: number): DecodedBody | DjustException {
  const text = typeof req.body === 'string' ? req.body : '';
  if (Buffer.byteLength(text) > limit) return payloadTooLarge(limit);
  if (text.length > 0 && !isJsonMediaType(req.headers['content-type'])) return unsupportedMediaType();
  return parseJsonBody(text);
}

/**
 * Serves the djust API on a fastify instance, in its own encapsulated plugin
 * under the API base (string bodies, see {@link useStringBodies}); its
 * not-found handler answers everything else under the base with the envelope
 * (405 on an operation's or a document's path, 404 otherwise).
 */
export function bindFastify(instance: any, api: HttpApi, logger: Logger): void {
  const base = apiBasePath(api.options.prefix);
  const limit = api.options.bodyLimit;
  const relative = (req: any): string => String(req.url ?? '').slice(base.length);
  const refuse = (req: any, error: DjustException): HttpAnswer => api.refuse(req, error);

  instance.register(
    async (child: any) => {
      useStringBodies(child, limit, refuse, logger);
      child.setNotFoundHandler(async (req: any, reply: any) => {
        const path = relative(req);
        if (DOCUMENTS.test(path)) return sendFastify(reply, api.refuse(req, methodNotAllowed(), 'GET, HEAD'));
        return sendFastify(reply, api.refuse(req, OPERATION.test(path) ? methodNotAllowed() : notFound()));
      });
      const post = async (req: any, reply: any): Promise<unknown> => {
        const decoded = decodeFastifyBody(req, limit);
        if (isRefusal(decoded)) return sendFastify(reply, api.refuse(req, decoded));
        return sendFastify(reply, await api.call(fastifyView(req), req.params.view, req.params.handler, decoded.body, decoded.error));
      };
      for (const url of ['/:view/:handler', '/:view/:handler/']) child.post(url, post);
      child.get('/csrf', async (req: any, reply: any) => sendFastify(reply, await api.csrf(fastifyView(req))));
      child.get('/openapi.json', async (req: any, reply: any) => sendFastify(reply, await api.openapi(fastifyView(req))));
    },
    { prefix: base },
  );
}

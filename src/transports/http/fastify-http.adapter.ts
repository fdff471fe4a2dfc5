import type { Logger } from '@nestjs/common';
import { errorDetail } from '../../common/safe-format.util.js';
import { methodNotAllowed, notFound, payloadTooLarge, unsupportedMediaType } from '../../protocol/wire-errors.js';
import { apiBasePath } from '../../protocol/routes.js';
import type { HttpApi } from './http-api.js';
import type { HttpAnswer } from './http-encoder.js';
import { isJsonMediaType, parseJsonBody, upstreamFailure, type HttpRequestView } from './http-request.js';

/** `/<slug>/<handler>` with an optional trailing slash, relative to the API base (query string excluded). */
const OPERATION = /^\/([^/?]+)\/([^/?]+)\/?(?:\?|$)/;
/** The GET endpoints under the API base. */
const DOCUMENTS = /^\/(?:csrf|openapi\.json)(?:\?|$)/;

/**
 * Serves the djust API on a fastify instance, in its own encapsulated plugin
 * under the API base: the plugin takes every body as a string (with the
 * `bodyLimit`) and parses JSON itself, so malformed or oversized bodies keep
 * the envelope, and its not-found handler answers everything else under the
 * base with the envelope (405 on an operation's path, 404 otherwise).
 */
export function bindFastify(instance: any, api: HttpApi, logger: Logger): void {
  const base = apiBasePath(api.options.prefix);
  const limit = api.options.bodyLimit;
  const view = (req: any): HttpRequestView => ({ request: req, headers: req.headers, ip: req.ip, session: req.session });
  const send = (reply: any, answer: HttpAnswer): unknown => reply.code(answer.status).headers(answer.headers).send(answer.body);
  const relative = (req: any): string => String(req.url ?? '').slice(base.length);

  instance.register(
    async (child: any) => {
      child.removeAllContentTypeParsers();
      child.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limit }, (_req: unknown, body: string, done: (e: unknown, b?: unknown) => void) =>
        done(null, body),
      );
      child.setErrorHandler((err: any, req: any, reply: any) => {
        if (err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err?.statusCode === 413) return send(reply, api.refuse(req, payloadTooLarge(limit)));
        if (err?.statusCode === 415 || err?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, api.refuse(req, unsupportedMediaType()));
        // Anything else failed before the route answered (a hook of the app, e.g. a session store that is down).
        logger.error(`a hook failed before the djust route: ${errorDetail(err)}`);
        return send(reply, api.refuse(req, upstreamFailure(err)));
      });
      child.setNotFoundHandler(async (req: any, reply: any) => {
        const path = relative(req);
        if (DOCUMENTS.test(path)) return send(reply, api.refuse(req, methodNotAllowed(), 'GET, HEAD'));
        return send(reply, api.refuse(req, OPERATION.test(path) ? methodNotAllowed() : notFound()));
      });

      const post = async (req: any, reply: any): Promise<unknown> => {
        const text = typeof req.body === 'string' ? req.body : '';
        if (Buffer.byteLength(text) > limit) return send(reply, api.refuse(req, payloadTooLarge(limit)));
        if (text.length > 0 && !isJsonMediaType(req.headers['content-type'])) return send(reply, api.refuse(req, unsupportedMediaType()));
        const decoded = parseJsonBody(text);
        return send(reply, await api.call(view(req), req.params.view, req.params.handler, decoded.body, decoded.error));
      };
      for (const url of ['/:view/:handler', '/:view/:handler/']) child.post(url, post);
      child.get('/csrf', async (req: any, reply: any) => send(reply, await api.csrf(view(req))));
      child.get('/openapi.json', async (req: any, reply: any) => send(reply, await api.openapi(view(req))));
    },
    { prefix: base },
  );
}

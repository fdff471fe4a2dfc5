import type { Logger } from '@nestjs/common';
import type { CallOutcome } from '../core/djust-pipeline.service.js';
import { errorOutcome, type DjustHttpApi } from './djust-http-api.service.js';
import { errorDetail } from '../logging/safe-format.util.js';
import {
  isJsonMediaType,
  methodNotAllowed,
  parseJsonBody,
  payloadTooLarge,
  responseHeaders,
  unsupportedMediaType,
  upstreamFailure,
  type RawHttpRequest,
} from './http-request.js';

/**
 * Serves the djust API on a fastify instance, in its own encapsulated plugin:
 * the plugin takes every body as a string (with the `bodyLimit`) and parses
 * JSON itself, so malformed or oversized bodies keep the envelope.
 */
export function bindFastify(instance: any, api: DjustHttpApi, logger: Logger): void {
  const base = `/${api.options.prefix}/api`;
  const limit = api.options.bodyLimit;
  const raw = (req: any): RawHttpRequest => ({ request: req, headers: req.headers, ip: req.ip, session: req.session });
  const send = (reply: any, outcome: CallOutcome): unknown =>
    reply.code(outcome.status).headers(responseHeaders(outcome.headers)).send(outcome.json ?? JSON.stringify(outcome.body));

  instance.register(async (child: any) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limit }, (_req: unknown, body: string, done: (e: unknown, b?: unknown) => void) =>
      done(null, body),
    );
    child.setErrorHandler((err: any, _req: unknown, reply: any) => {
      if (err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err?.statusCode === 413) return send(reply, errorOutcome(payloadTooLarge(limit)));
      if (err?.statusCode === 415 || err?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, errorOutcome(unsupportedMediaType()));
      // Anything else failed before the route answered (a hook of the app, e.g. a session store that is down).
      logger.error(`a hook failed before the djust route: ${errorDetail(err)}`);
      return send(reply, errorOutcome(upstreamFailure(err)));
    });

    const post = async (req: any, reply: any): Promise<unknown> => {
      const text = typeof req.body === 'string' ? req.body : '';
      if (Buffer.byteLength(text) > limit) return send(reply, errorOutcome(payloadTooLarge(limit)));
      if (text.length > 0 && !isJsonMediaType(req.headers['content-type'])) return send(reply, errorOutcome(unsupportedMediaType()));
      const parsed = parseJsonBody(text);
      return send(reply, await api.call(req.params.view, req.params.handler, raw(req), parsed.body, parsed.error));
    };
    const notAllowed = async (_req: unknown, reply: any): Promise<unknown> => send(reply, errorOutcome(methodNotAllowed()));

    for (const url of [`${base}/:view/:handler`, `${base}/:view/:handler/`]) {
      child.post(url, post);
      child.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE'], url, handler: notAllowed });
    }
    child.get(`${base}/csrf`, async (req: any, reply: any) => send(reply, api.csrf(raw(req))));
    child.get(`${base}/openapi.json`, async (req: any, reply: any) => send(reply, await api.openapi(raw(req))));
  });
}

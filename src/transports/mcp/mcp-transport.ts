import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorDetail, labelOf } from '../../common/safe-format.util.js';
import type { ResolvedDjustOptions } from '../../core/resolved-options.js';
import { DJUST_RESOLVED_OPTIONS } from '../../djust.internal-constants.js';
import { mcpPath } from '../../protocol/routes.js';
import { handlerError, methodNotAllowed } from '../../protocol/wire-errors.js';
import { decodeBodyParserError, decodeExpressBody } from '../http/express-body.js';
import { expressView, sendExpress } from '../http/express-http.adapter.js';
import { decodeFastifyBody, fastifyView, sendFastify, useStringBodies } from '../http/fastify-http.adapter.js';
import type { HttpAnswer } from '../http/http-encoder.js';
import { isRefusal, upstreamFailure, type DecodedBody } from '../http/http-request.js';
import { McpApi } from './mcp-api.js';

/** Methods other than POST on the endpoint: 405 with the envelope (the SDK would open a never-ending stream on GET). */
const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Binds `POST /<prefix>/mcp` on the app's adapter at module init (unless
 * `forRoot({ mcp: false })`); other methods on it answer 405 `Allow: POST`.
 */
@Injectable()
export class McpTransport implements OnModuleInit {
  private readonly logger = new Logger('Djust');

  constructor(
    private readonly api: McpApi,
    @Inject(DJUST_RESOLVED_OPTIONS) private readonly options: ResolvedDjustOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter || this.options.mcp === false) return;
    const type = adapter.getType();
    if (type === 'express') this.bindExpress(adapter.getInstance());
    else if (type === 'fastify') this.bindFastify(adapter.getInstance());
    else return; // HttpTransport already refused the adapter
    this.logger.log(`MCP endpoint at POST ${mcpPath(this.options.prefix)} (${type})`);
  }

  private bindExpress(app: any): void {
    const path = mcpPath(this.options.prefix);
    const limit = this.options.bodyLimit;
    const handle = async (req: any, res: any, decoded?: DecodedBody): Promise<void> => {
      const body = decoded ?? (await decodeExpressBody(req, limit));
      if (isRefusal(body)) return sendExpress(res, this.api.refuse(req, body));
      sendExpress(res, await this.api.handle(expressView(req), body));
    };
    const fail = (req: any, res: any, err: unknown): void => this.fail(err, (answer) => sendExpress(res, answer), req);
    app.post(path, (req: any, res: any) => {
      handle(req, res).catch((e: unknown) => fail(req, res, e));
    });
    app.all(path, (req: any, res: any) => sendExpress(res, this.refuseMethod(req)));
    app.use(path, (err: any, req: any, res: any, _next: unknown) => {
      if (req.method !== 'POST') return sendExpress(res, this.refuseMethod(req));
      const decoded = decodeBodyParserError(err, limit);
      if (decoded === undefined) {
        this.logger.error(`a middleware failed before the MCP endpoint ${labelOf(req.method)}: ${errorDetail(err)}`);
        return sendExpress(res, this.api.refuse(req, upstreamFailure(err)));
      }
      if (isRefusal(decoded)) return sendExpress(res, this.api.refuse(req, decoded));
      handle(req, res, decoded).catch((e: unknown) => fail(req, res, e));
    });
  }

  private bindFastify(instance: any): void {
    const path = mcpPath(this.options.prefix);
    const limit = this.options.bodyLimit;
    instance.register(async (child: any) => {
      useStringBodies(child, limit, (req, error) => this.api.refuse(req, error), this.logger);
      child.post(path, async (req: any, reply: any) => {
        const decoded = decodeFastifyBody(req, limit);
        if (isRefusal(decoded)) return sendFastify(reply, this.api.refuse(req, decoded));
        let answer: HttpAnswer;
        try {
          answer = await this.api.handle(fastifyView(req), decoded);
        } catch (e) {
          return this.fail(e, (failed) => sendFastify(reply, failed), req);
        }
        return sendFastify(reply, answer);
      });
      child.route({ method: OTHER_METHODS, url: path, handler: async (req: any, reply: any) => sendFastify(reply, this.refuseMethod(req)) });
    });
  }

  private refuseMethod(req: any): HttpAnswer {
    const answer = this.api.refuse(req, methodNotAllowed());
    return { ...answer, headers: { ...answer.headers, allow: 'POST' } };
  }

  private fail(err: unknown, send: (answer: HttpAnswer) => void, req: any): void {
    this.logger.error(`the MCP endpoint failed: ${errorDetail(err)}`);
    send(this.api.refuse(req, handlerError()));
  }
}

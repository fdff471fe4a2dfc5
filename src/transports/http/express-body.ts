import type { DjustException } from '../../protocol/djust.exception.js';
import { malformedJson, payloadTooLarge, unsupportedMediaType } from '../../protocol/wire-errors.js';
import { jsonSizeExceeds } from '../../serialization/json-size.util.js';
import { isJsonMediaType, parseJsonBody, type DecodedBody } from './http-request.js';

type Req = any;

/**
 * The body of an express request, decoded: what the app's JSON body parser
 * (Nest's default) made of it, or — without one — read here within `limit`.
 * A refusal (413 over the limit, 415 not JSON) is returned as a wire error.
 */
export async function decodeExpressBody(req: Req, limit: number): Promise<DecodedBody | DjustException> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return payloadTooLarge(limit);
  const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !isJsonMediaType(req.headers['content-type'])) return unsupportedMediaType();
  if (req.body !== undefined || req.readableEnded) {
    // A chunked body has no Content-Length to check up front: measure what the parser produced.
    if (!(declared > 0) && req.body !== undefined && jsonSizeExceeds(req.body, limit)) return payloadTooLarge(limit);
    return { body: req.body };
  }
  if (!hasBody) return { body: undefined };
  const text = await readBody(req, limit);
  return text === null ? payloadTooLarge(limit) : parseJsonBody(text);
}

/**
 * What an error of express's body parser means on one of our routes: a
 * refusal (413, 415), or a decoded body — a top-level JSON scalar, which
 * body-parser's strict mode refuses although it is well-formed (the core
 * answers it "Expected a JSON object."), else "Malformed JSON.". `undefined`
 * for an error that is not body-parser's (another middleware failed).
 */
export function decodeBodyParserError(err: any, limit: number): DecodedBody | DjustException | undefined {
  const type: unknown = err?.type;
  if (typeof type !== 'string') return undefined;
  if (type === 'entity.too.large') return payloadTooLarge(typeof err.limit === 'number' ? Math.min(err.limit, limit) : limit);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return unsupportedMediaType();
  if (type === 'entity.parse.failed' && typeof err.body === 'string') return parseJsonBody(err.body);
  return { body: undefined, error: malformedJson() };
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

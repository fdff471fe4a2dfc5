import fc from 'fast-check';

/**
 * Hostile input generators shared by the bounded fuzz suite and
 * `scripts/fuzz-long.mjs`. Bodies are generated as a small JSON syntax tree
 * and written out by hand, so they can carry what `JSON.stringify` never
 * produces: duplicate keys, own `__proto__` keys, number literals beyond
 * 2^53 or beyond double range, invalid UTF-8 bytes, truncation.
 */

/** A JSON syntax tree node. */
export type JsonNode =
  | { readonly t: 'obj'; readonly entries: readonly (readonly [string, JsonNode])[] }
  | { readonly t: 'arr'; readonly items: readonly JsonNode[] }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'num'; readonly raw: string }
  | { readonly t: 'lit'; readonly raw: 'true' | 'false' | 'null' }
  /** `"x".repeat(n)`, written without materialising a tree. */
  | { readonly t: 'huge'; readonly n: number; readonly ch: string }
  /** An array of `n` copies of `item`. */
  | { readonly t: 'many'; readonly n: number; readonly item: JsonNode }
  /** `depth` nested arrays or objects around `leaf`. */
  | { readonly t: 'deep'; readonly depth: number; readonly kind: 'arr' | 'obj'; readonly leaf: JsonNode }
  /**
   * An object whose primitive-conversion members (`toString`, `valueOf`,
   * `toJSON`) are not functions: `String()` or a template literal on it throws.
   */
  | { readonly t: 'trap'; readonly keys: readonly TrapKey[]; readonly v: JsonNode }
  /** `n` bytes of binary: a socket.io binary attachment over WS, its JSON form over HTTP. */
  | { readonly t: 'bin'; readonly n: number };

/** The members JavaScript calls to turn an object into a primitive or JSON. */
export type TrapKey = 'toString' | 'valueOf' | 'toJSON';

/** Keys that target the fixture DTOs, the prototype chain and JS built-ins. */
export const INTERESTING_KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'toJSON', 'hasOwnProperty', '__defineGetter__', 'then',
  'order_id', 'status', 'enabled', 'count', 'lines', 'sku', 'qty', 'reason', 'gate', 'hang', '',
] as const;

/** String values that look like numbers, booleans or nothing. */
export const NAN_LIKE = [
  'NaN', '-NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x10', '0b1', '0o7', ' 42', '42 ', '4 2', '+1', '1_000', '١٢', '４２',
  'true', 'TRUE', 'yes', '1', '0', 'null', 'undefined', '', ' ', '\u0000', '9007199254740993', '1e21', '.5', '5.',
] as const;

/** Number literals beyond the safe integer range or double range. */
export const NUMBER_LITERALS = [
  '0', '-0', '1', '-1', '42', '4.5', '9007199254740991', '9007199254740993', '-9007199254740993', '123456789012345678901234567890',
  '1e308', '1e309', '-1e400', '5e-324', '1e-400', '0.1e1', '1E2', '2147483648', '-2147483649',
] as const;

const unicode = fc.string({ unit: 'grapheme', maxLength: 24 });
const binary = fc.string({ unit: 'binary', maxLength: 16 });

/** An object key: targeted, unicode or arbitrary code points. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...INTERESTING_KEYS) },
  { weight: 2, arbitrary: unicode },
  { weight: 1, arbitrary: binary },
);

const stringArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NAN_LIKE) },
  { weight: 3, arbitrary: unicode },
  { weight: 2, arbitrary: binary },
  { weight: 1, arbitrary: fc.constantFrom('hunter', '<script>alert(1)</script>', '../../etc/passwd', '%00', '${7*7}', '{{7*7}}', 'A'.repeat(51)) },
);

const numberArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_LITERALS) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? '-0' : String(d))) },
);

const scalarArb: fc.Arbitrary<JsonNode> = fc.oneof(
  { weight: 4, arbitrary: stringArb.map((v): JsonNode => ({ t: 'str', v })) },
  { weight: 3, arbitrary: numberArb.map((raw): JsonNode => ({ t: 'num', raw })) },
  { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null').map((raw): JsonNode => ({ t: 'lit', raw })) },
);

const trapKeysArb: fc.Arbitrary<TrapKey[]> = fc.subarray<TrapKey>(['toString', 'valueOf', 'toJSON'], { minLength: 1 });
const trapValueArb: fc.Arbitrary<JsonNode> = fc.oneof(
  fc.constant<JsonNode>({ t: 'num', raw: '1' }),
  fc.constant<JsonNode>({ t: 'lit', raw: 'null' }),
  fc.constant<JsonNode>({ t: 'obj', entries: [] }),
  fc.constant<JsonNode>({ t: 'arr', items: [] }),
  fc.constant<JsonNode>({ t: 'str', v: 'x' }),
);

/** An object that throws when turned into a string: `{"toString":1}`, `{"valueOf":{},"toJSON":null}`... */
export const trapArb: fc.Arbitrary<JsonNode> = fc.tuple(trapKeysArb, trapValueArb).map(([keys, v]): JsonNode => ({ t: 'trap', keys, v }));

/** Sizes of the "big" shapes; the long run may raise them. */
export interface HostileSizes {
  /** Largest huge string, in characters. */
  readonly maxHugeString: number;
  /** Largest huge array, in elements. */
  readonly maxArray: number;
  /** Deepest nesting. */
  readonly maxDepth: number;
}

/** Defaults: a few strings past 1 MiB (413), 10k-element arrays, nesting well past 32. */
export const DEFAULT_SIZES: HostileSizes = { maxHugeString: 1_200_000, maxArray: 10_000, maxDepth: 200 };

/** A recursive hostile JSON tree. */
export function jsonNodeArb(sizes: HostileSizes = DEFAULT_SIZES): fc.Arbitrary<JsonNode> {
  const tree = fc.letrec<{ node: JsonNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: scalarArb },
      { weight: 1, arbitrary: trapArb },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 64 }).map((n): JsonNode => ({ t: 'bin', n })) },
      { weight: 3, arbitrary: fc.array(fc.tuple(keyArb, tie('node')), { maxLength: 6 }).map((entries): JsonNode => ({ t: 'obj', entries })) },
      { weight: 2, arbitrary: fc.array(tie('node'), { maxLength: 6 }).map((items): JsonNode => ({ t: 'arr', items })) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 2_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: sizes.maxHugeString }) }),
            fc.constantFrom('x', 'é', '\u{1F600}', '"', '\\', '\u0000'),
          )
          .map(([n, ch]): JsonNode => ({ t: 'huge', n, ch })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(100, 101, 1_000, sizes.maxArray), scalarArb)
          .map(([n, item]): JsonNode => ({ t: 'many', n, item })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.integer({ min: 1, max: sizes.maxDepth }), fc.constantFrom('arr' as const, 'obj' as const), scalarArb)
          .map(([depth, kind, leaf]): JsonNode => ({ t: 'deep', depth, kind, leaf })),
      },
    ),
  }));
  return tree.node;
}

/** A top-level body that usually looks like one of the fixture DTOs (so validation and handlers are reached). */
export function dtoShapedArb(sizes: HostileSizes = DEFAULT_SIZES): fc.Arbitrary<JsonNode> {
  const value = jsonNodeArb(sizes);
  const field = fc.tuple(fc.constantFrom('order_id', 'status', 'enabled', 'count', 'lines', 'sku', 'qty', 'reason'), value);
  const goodLine: JsonNode = { t: 'obj', entries: [['sku', { t: 'str', v: 'A-1' }], ['qty', { t: 'num', raw: '1' }]] };
  const int = fc.integer({ min: -5, max: 1_000 }).map((n): JsonNode => ({ t: 'num', raw: String(n) }));
  const short = fc.string({ unit: 'grapheme', maxLength: 12 }).map((v): JsonNode => ({ t: 'str', v }));
  const wellFormed = fc.oneof(
    fc.tuple(int, short).map(([id, st]): JsonNode => ({ t: 'obj', entries: [['order_id', id], ['status', st]] })),
    fc.tuple(short, int).map(([sku, qty]): JsonNode => ({ t: 'obj', entries: [['sku', sku], ['qty', qty]] })),
    fc.constantFrom('true', 'false', '"1"', '"0"').map((raw): JsonNode => ({ t: 'obj', entries: [['enabled', { t: 'num', raw }]] })),
    fc.constant<JsonNode>({ t: 'obj', entries: [] }),
  );
  return fc.oneof(
    { weight: 3, arbitrary: wellFormed },
    { weight: 4, arbitrary: fc.array(fc.oneof({ weight: 3, arbitrary: field }, { weight: 1, arbitrary: fc.tuple(keyArb, value) }), { maxLength: 8 }).map((entries): JsonNode => ({ t: 'obj', entries })) },
    { weight: 1, arbitrary: fc.constantFrom(100, 101, sizes.maxArray).map((n): JsonNode => ({ t: 'obj', entries: [['lines', { t: 'many', n, item: goodLine }]] })) },
    { weight: 1, arbitrary: value },
  );
}

/** Writes a tree as JSON text (duplicate and `__proto__` keys kept as written). */
export function writeJson(node: JsonNode): string {
  switch (node.t) {
    case 'obj':
      return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${writeJson(v)}`).join(',')}}`;
    case 'arr':
      return `[${node.items.map(writeJson).join(',')}]`;
    case 'str':
      return JSON.stringify(node.v);
    case 'num':
    case 'lit':
      return node.raw;
    case 'huge':
      return JSON.stringify(node.ch.repeat(node.n));
    case 'many': {
      const item = writeJson(node.item);
      return `[${new Array<string>(node.n).fill(item).join(',')}]`;
    }
    case 'deep': {
      const leaf = writeJson(node.leaf);
      return node.kind === 'arr' ? '['.repeat(node.depth) + leaf + ']'.repeat(node.depth) : '{"a":'.repeat(node.depth) + leaf + '}'.repeat(node.depth);
    }
    case 'trap':
      return `{${node.keys.map((k) => `${JSON.stringify(k)}:${writeJson(node.v)}`).join(',')}}`;
    case 'bin':
      return JSON.stringify(Buffer.alloc(node.n, 0xff));
  }
}

/**
 * Builds the JS value a WS client sends for a tree: duplicate keys collapse
 * (last wins), `__proto__` becomes an own property (so it reaches the server
 * as a key, as JSON.parse would produce), numbers go through `Number()`.
 */
export function toJsValue(node: JsonNode): unknown {
  switch (node.t) {
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of node.entries) Object.defineProperty(out, k, { value: toJsValue(v), enumerable: true, writable: true, configurable: true });
      return out;
    }
    case 'arr':
      return node.items.map(toJsValue);
    case 'str':
      return node.v;
    case 'num':
      return Number(node.raw);
    case 'lit':
      return JSON.parse(node.raw);
    case 'huge':
      return node.ch.repeat(node.n);
    case 'many': {
      const item = toJsValue(node.item);
      return new Array(node.n).fill(item);
    }
    case 'deep': {
      let v = toJsValue(node.leaf);
      for (let i = 0; i < node.depth; i++) v = node.kind === 'arr' ? [v] : { a: v };
      return v;
    }
    case 'trap': {
      const out: Record<string, unknown> = {};
      for (const k of node.keys) Object.defineProperty(out, k, { value: toJsValue(node.v), enumerable: true, writable: true, configurable: true });
      return out;
    }
    case 'bin':
      return Buffer.alloc(node.n, 0xff);
  }
}

/** Byte-level damage applied to a written body. */
export type Mutation =
  | { readonly m: 'none' }
  | { readonly m: 'invalid-utf8'; readonly at: number; readonly bytes: readonly number[] }
  | { readonly m: 'truncate'; readonly at: number }
  | { readonly m: 'bom' }
  | { readonly m: 'pad' };

/** Invalid UTF-8 sequences: stray continuation, overlong NUL, encoded surrogate, truncated sequences, 0xFF. */
export const INVALID_UTF8: readonly (readonly number[])[] = [[0xff], [0xfe], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f]];

/** Byte mutations, mostly none. `at` is a fraction of the length. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Mutation>({ m: 'none' }) },
  { weight: 2, arbitrary: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...INVALID_UTF8)).map(([at, bytes]): Mutation => ({ m: 'invalid-utf8', at, bytes })) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((at): Mutation => ({ m: 'truncate', at })) },
  { weight: 1, arbitrary: fc.constantFrom<Mutation>({ m: 'bom' }, { m: 'pad' }) },
);

/** Applies a mutation to a body. */
export function mutate(text: string, mutation: Mutation): Buffer {
  const buf = Buffer.from(text, 'utf8');
  switch (mutation.m) {
    case 'none':
      return buf;
    case 'invalid-utf8': {
      const at = Math.floor(mutation.at * buf.length);
      return Buffer.concat([buf.subarray(0, at), Buffer.from(mutation.bytes), buf.subarray(at)]);
    }
    case 'truncate':
      return buf.subarray(0, Math.floor(mutation.at * buf.length));
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]);
    case 'pad':
      return Buffer.concat([Buffer.from(' \n\t\r '), buf, Buffer.from('\n\n')]);
  }
}

/** Handler names of the core fixture, reserved names and built-ins. */
export const HANDLER_NAMES = [
  'update_status', 'refund', 'touch', 'flags', 'cart', 'nothing', 'whoami', 'boom', 'missing_order', 'cyclic', 'big', 'typed', 'create', 'chart',
  'ws_only', 'helper', '_private', 'show', 'mount', 'apiMount', 'unmount', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf',
  'pushAssigns', 'httpRequest', 'Update_Status', 'update_status ', 'update%5Fstatus',
] as const;

/** Handlers of the core fixture's `order` view that are callable over HTTP. */
export const EXPOSED_HANDLERS = [
  'update_status', 'refund', 'touch', 'flags', 'cart', 'nothing', 'whoami', 'boom', 'missing_order', 'cyclic', 'big', 'typed', 'create', 'chart',
] as const;

/** View slugs of the core fixture and near misses. */
export const VIEW_NAMES = ['order', 'order-detail', 'Order', 'order ', 'order-', 'OrderView', '__proto__', 'constructor', 'prototype', 'toString', 'openapi.json', 'csrf'] as const;

/** A view or handler name: known, near miss, unicode, code points. Never empty. */
export function nameArb(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z_.~-]{1,30}$/) },
  );
}

/** How a name is written into the URL path. */
export type PathStyle = 'encoded' | 'double-encoded' | 'bad-escape';

/** Percent-encodes a path segment; `bad-escape` appends a malformed escape (`%E0%A4%A`, `%`, `%zz`). */
export function encodeSegment(name: string, style: PathStyle, badEscape = '%E0%A4%A'): string {
  const encoded = encodeURIComponent(name);
  if (style === 'double-encoded') return encodeURIComponent(encoded);
  if (style === 'bad-escape') return encoded + badEscape;
  return encoded;
}

/** Whether `segment` holds a percent-escape that does not decode as UTF-8. */
export function hasBadEscape(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return false;
  } catch {
    return true;
  }
}

/** `Authorization` values: the fixture's tokens, near misses and junk. */
export const authArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('Bearer token-alice', 'Bearer token-bob', 'Bearer token-carol', 'Bearer token-root') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('Bearer ', 'Bearer token-alice ', 'bearer token-alice', 'Basic dG9rZW4tYWxpY2U6', 'Bearer token-nobody', 'Bearer __proto__', 'Bearer constructor') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => `Bearer ${s}`) },
);

/** `Content-Type` values. */
export const contentTypeArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined, 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'APPLICATION/JSON', 'application/vnd.api+json',
      'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=koi8-r', 'application/json;;', 'application/json, text/plain',
      'text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '*/*', ';', 'application/',
    ),
  },
);

/** Extra request headers: spoofing, CSRF, origin, cookies, encodings, random `x-` headers. */
export const extraHeadersArb: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'x-csrf-token', 'x-csrftoken', 'origin', 'cookie', 'accept', 'accept-charset',
        'content-encoding', 'x-http-method-override', 'forwarded', 'referer', 'user-agent', 'accept-language', 'if-none-match',
      ),
    },
    { weight: 1, arbitrary: fc.stringMatching(/^x-[a-z0-9-]{1,24}$/) },
  ),
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 80 }) },
    { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', '127.0.0.1, 10.0.0.1', 'null', 'http://evil.example', 'connect.sid=s%3Aabc.def', '__proto__=1') },
  ),
  { maxKeys: 5 },
);

/** One hostile HTTP request against `/<prefix>/api/<view>/<handler>/`. */
export interface HttpCase {
  readonly method: 'POST' | 'GET' | 'PUT' | 'PATCH' | 'DELETE';
  readonly view: string;
  readonly handler: string;
  readonly viewStyle: PathStyle;
  readonly handlerStyle: PathStyle;
  readonly trailingSlash: boolean;
  readonly query: string;
  readonly body: JsonNode | undefined;
  readonly mutation: Mutation;
  readonly chunked: boolean;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly extraHeaders: Record<string, string>;
}

/** Hostile HTTP cases. */
export function httpCaseArb(sizes: HostileSizes = DEFAULT_SIZES): fc.Arbitrary<HttpCase> {
  const style = fc.oneof(
    { weight: 10, arbitrary: fc.constant<PathStyle>('encoded') },
    { weight: 1, arbitrary: fc.constantFrom<PathStyle>('double-encoded', 'bad-escape') },
  );
  return fc.record({
    method: fc.oneof({ weight: 12, arbitrary: fc.constant('POST' as const) }, { weight: 1, arbitrary: fc.constantFrom('GET' as const, 'PUT' as const, 'PATCH' as const, 'DELETE' as const) }),
    view: fc.oneof({ weight: 4, arbitrary: fc.constant('order') }, { weight: 1, arbitrary: nameArb(VIEW_NAMES) }),
    handler: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...EXPOSED_HANDLERS) }, { weight: 2, arbitrary: nameArb(HANDLER_NAMES) }),
    viewStyle: style,
    handlerStyle: style,
    trailingSlash: fc.boolean(),
    query: fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('?__proto__[x]=1', '?a=1&a=2', '?constructor.prototype.x=1', '?%E0') }),
    body: fc.option(dtoShapedArb(sizes), { nil: undefined, freq: 8 }),
    mutation: mutationArb,
    chunked: fc.boolean(),
    authorization: authArb,
    contentType: contentTypeArb,
    extraHeaders: extraHeadersArb,
  });
}

/**
 * A field of a WS message (`view`, `handler`, `ref`): usually a name, else any
 * hostile JSON value — a trap object, an array, a binary attachment, a number.
 */
export type WsField = string | { readonly node: JsonNode };

/** The value sent for a field. */
export function wsFieldValue(field: WsField): unknown {
  return typeof field === 'string' ? field : toJsValue(field.node);
}

/** A field as the server can name it (`undefined` for a non-string value). */
export function wsFieldName(field: WsField): string | undefined {
  return typeof field === 'string' ? field : undefined;
}

/** One message a hostile socket sends. */
export type WsStep =
  | { readonly s: 'mount'; readonly view: WsField; readonly params: JsonNode | undefined }
  | { readonly s: 'event'; readonly ref: number | WsField; readonly handler: WsField; readonly params: JsonNode | undefined }
  | { readonly s: 'unmount'; readonly ref: number | WsField }
  | { readonly s: 'raw'; readonly event: 'mount' | 'event' | 'unmount'; readonly args: readonly WsRawArg[] }
  /** A `mount`/`event`/`unmount` sent without an ack callback: nothing comes back, nothing may break. */
  | { readonly s: 'noack'; readonly event: 'mount' | 'event' | 'unmount'; readonly arg: JsonNode }
  | { readonly s: 'junk'; readonly event: string; readonly arg: JsonNode };

/** Event names socket.io-client refuses to emit. */
const RESERVED_EVENTS = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** A raw WS argument: a JSON tree, a binary buffer or nothing. */
export type WsRawArg = { readonly a: 'json'; readonly v: JsonNode } | { readonly a: 'binary'; readonly n: number } | { readonly a: 'undefined' };

/** Hostile socket sessions: a token (or none) and up to `maxSteps` messages. */
export function wsSessionArb(sizes: HostileSizes = DEFAULT_SIZES, maxSteps = 8): fc.Arbitrary<{ token: string | undefined; steps: WsStep[] }> {
  // WS payloads stay under socket.io's own 1 MB maxHttpBufferSize (that cut-off is a separate test).
  const wsSizes: HostileSizes = { ...sizes, maxHugeString: Math.min(sizes.maxHugeString, 100_000) };
  const params = fc.option(dtoShapedArb(wsSizes), { nil: undefined, freq: 6 });
  const hostileField: fc.Arbitrary<WsField> = fc.oneof(
    { weight: 3, arbitrary: trapArb.map((node) => ({ node })) },
    { weight: 2, arbitrary: jsonNodeArb(wsSizes).map((node) => ({ node })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 64 }).map((n) => ({ node: { t: 'bin', n } as JsonNode })) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom('order', 'update_status'), { minLength: 1, maxLength: 2 }).map((a) => ({ node: { t: 'arr', items: a.map((v): JsonNode => ({ t: 'str', v })) } as JsonNode })) },
  );
  const field = (names: fc.Arbitrary<string>): fc.Arbitrary<WsField> => fc.oneof({ weight: 8, arbitrary: names }, { weight: 2, arbitrary: hostileField });
  const ref: fc.Arbitrary<number | WsField> = fc.oneof(
    { weight: 10, arbitrary: fc.nat(3) },
    { weight: 2, arbitrary: fc.constantFrom('', 'x', '__proto__', '00000000-0000-0000-0000-000000000000') },
    { weight: 1, arbitrary: hostileField },
  );
  const rawArg: fc.Arbitrary<WsRawArg> = fc.oneof(
    { weight: 3, arbitrary: jsonNodeArb(wsSizes).map((v): WsRawArg => ({ a: 'json', v })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 4096 }).map((n): WsRawArg => ({ a: 'binary', n })) },
    { weight: 1, arbitrary: fc.constant<WsRawArg>({ a: 'undefined' }) },
  );
  const step: fc.Arbitrary<WsStep> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ s: fc.constant('mount' as const), view: field(fc.oneof({ weight: 4, arbitrary: fc.constant('order') }, { weight: 1, arbitrary: nameArb(VIEW_NAMES) })), params }) },
    {
      weight: 6,
      arbitrary: fc.record({
        s: fc.constant('event' as const),
        ref,
        handler: field(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...EXPOSED_HANDLERS, 'ws_only') }, { weight: 2, arbitrary: nameArb(HANDLER_NAMES) })),
        params,
      }),
    },
    { weight: 1, arbitrary: fc.record({ s: fc.constant('unmount' as const), ref }) },
    { weight: 2, arbitrary: fc.record({ s: fc.constant('raw' as const), event: fc.constantFrom('mount' as const, 'event' as const, 'unmount' as const), args: fc.array(rawArg, { maxLength: 3 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        s: fc.constant('noack' as const),
        event: fc.constantFrom('mount' as const, 'event' as const, 'unmount' as const),
        arg: fc.oneof(
          fc.tuple(trapArb, trapArb).map(([a, b]): JsonNode => ({ t: 'obj', entries: [['view', a], ['ref', { t: 'str', v: 'x' }], ['handler', b]] })),
          jsonNodeArb(wsSizes),
        ),
      }),
    },
    { weight: 1, arbitrary: fc.record({ s: fc.constant('junk' as const), event: fc.oneof(fc.constantFrom('assigns', 'error', 'ping', '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 12 })).filter((e) => !RESERVED_EVENTS.has(e)), arg: jsonNodeArb(wsSizes) }) },
  );
  return fc.record({
    token: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('token-alice', 'token-bob', 'token-carol', 'token-root') }, { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'nobody', '__proto__') }),
    steps: fc.array(step, { minLength: 1, maxLength: maxSteps }),
  });
}

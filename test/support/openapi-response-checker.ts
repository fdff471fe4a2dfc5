import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Every `#/components/schemas/X` ref rewritten to `#/$defs/X` (so one JSON Schema holds them all). */
export function toDefs(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
}

/** One HTTP answer a test received. */
export interface SeenResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/**
 * Response headers of the djust contract: when an answer carries one, the
 * documented response must declare it (the document says what the server does).
 */
const CONTRACT_HEADERS = ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'idempotency-replayed'];

/** A header's text as the JSON value its schema describes (`"3"` → 3 for an integer or number header). */
function headerValue(text: string, schema: any): unknown {
  const types = [schema?.type].flat();
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/**
 * A checker for real responses: finds the operation's response for the status
 * (exact code, else `2XX`-style range, else `default`), resolves component
 * `$ref`s, validates the JSON body against its schema (Ajv 2020-12, strict),
 * checks the required headers are there, every header value matches its
 * schema, and every contract header sent ({@link CONTRACT_HEADERS}) is
 * declared. Returns the problems (empty = valid).
 */
export function responseChecker(document: any): (seen: SeenResponse) => string[] {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
  const $defs = toDefs(document.components?.schemas ?? {});
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  const deref = (node: any): any => {
    if (node && typeof node.$ref === 'string' && node.$ref.startsWith('#/components/responses/')) {
      return document.components.responses[node.$ref.slice('#/components/responses/'.length)];
    }
    return node;
  };
  return (seen) => {
    const operation = document.paths?.[seen.path]?.[seen.method.toLowerCase()];
    if (!operation) return [`${seen.method} ${seen.path}: no such operation`];
    const code = String(seen.status);
    const key = code in operation.responses ? code : `${code[0]}XX` in operation.responses ? `${code[0]}XX` : 'default';
    const response = deref(operation.responses[key]);
    if (!response) return [`${seen.method} ${seen.path}: status ${code} is not documented`];
    const problems: string[] = [];
    const declared = new Map(Object.entries<any>(response.headers ?? {}).map(([name, header]) => [name.toLowerCase(), header]));
    for (const [name, header] of declared) {
      const text = seen.headers[name];
      if (text === undefined) {
        if (header.required) problems.push(`${seen.path} ${code}: missing header ${name}`);
        continue;
      }
      if (!header.schema) continue;
      const headerKey = `header ${JSON.stringify(header.schema)}`;
      let validate = cache.get(headerKey);
      if (!validate) {
        validate = ajv.compile(toDefs(header.schema) as object);
        cache.set(headerKey, validate);
      }
      if (!validate(headerValue(text, header.schema))) problems.push(`${seen.path} ${code}: header ${name}: ${JSON.stringify(text)} ${ajv.errorsText(validate.errors)}`);
    }
    for (const name of CONTRACT_HEADERS) {
      if (name in seen.headers && !declared.has(name)) problems.push(`${seen.path} ${code}: header ${name} is sent but not documented`);
    }
    const schema = response.content?.['application/json']?.schema;
    if (schema) {
      const cacheKey = `${seen.method} ${seen.path} ${key}`;
      let validate = cache.get(cacheKey);
      if (!validate) {
        validate = ajv.compile({ $defs, ...(toDefs(schema) as object) });
        cache.set(cacheKey, validate);
      }
      if (!validate(seen.body)) problems.push(`${seen.path} ${code}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(seen.body)}`);
    }
    return problems;
  };
}

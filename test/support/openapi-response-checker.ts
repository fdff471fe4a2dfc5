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
 * A checker for real responses: finds the operation's response for the status
 * (exact code, else `2XX`-style range, else `default`), resolves component
 * `$ref`s, validates the JSON body against its schema (Ajv 2020-12, strict) and
 * checks required headers. Returns the problems (empty = valid).
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
    for (const [name, header] of Object.entries<any>(response.headers ?? {})) {
      if (header.required && !(name.toLowerCase() in seen.headers)) problems.push(`${seen.path} ${code}: missing header ${name}`);
    }
    const schema = response.content?.['application/json']?.schema;
    if (schema) {
      const cacheKey = `${seen.path} ${key}`;
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

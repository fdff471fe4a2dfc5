import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

/** The repository root (the nearest folder with a package.json above this compiled file). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found');
    dir = up;
  }
  return dir;
}

/** Validates a document with @seriousme/openapi-schema-validator (the OAS 3.1 JSON schema). */
export async function validateOpenApi(document: object): Promise<{ valid: boolean; errors?: unknown }> {
  const validator = new Validator();
  return validator.validate(structuredClone(document) as Record<string, unknown>);
}

/** openapi-typescript's output for a document. */
export async function generateTypes(document: object): Promise<string> {
  const ast = await openapiTS(structuredClone(document) as any);
  return astToString(ast);
}

/** A scratch folder under `<repo>/.tmp/` (so `node_modules` resolves from it). */
export function scratchDir(name: string): string {
  const dir = join(repoRoot(), '.tmp', `${name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes a scratch folder. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes files into `dir` (name → content). */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

/** Type-checks `roots` (strict, NodeNext) and returns the diagnostics as readable lines. */
export function typeCheck(roots: string[]): string[] {
  const program = ts.createProgram(roots, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    skipLibCheck: true,
    types: [],
    exactOptionalPropertyTypes: false,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.split('/').pop()}(${line + 1},${character + 1}): ${text}`;
  });
}

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Every `#/components/schemas/X` ref rewritten to `#/$defs/X` (so one JSON Schema holds them all). */
function toDefs(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
}

/**
 * Compiles every component schema and operation body schema with Ajv's JSON
 * Schema 2020-12 validator in strict mode (unknown keywords such as
 * `nullable` fail), and returns a validator per request body, keyed by path.
 * Ajv is the engine under @seriousme/openapi-schema-validator.
 */
export function strictSchemaValidators(document: any): Map<string, (value: unknown) => boolean> {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
  const $defs = toDefs(document.components?.schemas ?? {});
  const validators = new Map<string, (value: unknown) => boolean>();
  for (const name of Object.keys(document.components?.schemas ?? {})) {
    ajv.compile({ $defs, $ref: `#/$defs/${name}` });
  }
  for (const [path, item] of Object.entries<any>(document.paths ?? {})) {
    const schema = item.post?.requestBody?.content?.['application/json']?.schema;
    if (!schema) continue;
    const validate = ajv.compile({ $defs, ...(toDefs(schema) as object) });
    validators.set(path, (value) => validate(value) as boolean);
  }
  return validators;
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

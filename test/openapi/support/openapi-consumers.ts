import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { toDefs } from '../../support/openapi-response-checker.js';

export { responseChecker, type SeenResponse } from '../../support/openapi-response-checker.js';

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


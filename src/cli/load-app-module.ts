import type { DynamicModule, Type } from '@nestjs/common';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../common/safe-format.util.js';

/** What `NestFactory.createApplicationContext` accepts. */
export type AppModuleRef = Type | DynamicModule;

/** A module file could not be loaded, or no module could be found in it (exit code 2). */
export class ModuleLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModuleLoadError';
  }
}

const MODULE_METADATA_KEYS = ['imports', 'providers', 'controllers', 'exports'];

function isClass(value: unknown): value is Type {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function hasModuleMetadata(value: unknown): boolean {
  return typeof value === 'function' && MODULE_METADATA_KEYS.some((key) => Reflect.getMetadata(key, value) !== undefined);
}

function isDynamicModule(value: unknown): value is DynamicModule {
  return value !== null && typeof value === 'object' && typeof (value as DynamicModule).module === 'function';
}

/**
 * Turns an exported value into a module: a `@Module` class or a `DynamicModule`
 * as is; a class with only a static `forRoot()` (no metadata of its own) →
 * `forRoot()`; a plain function (a module factory) → its (awaited) result.
 */
async function asModule(value: unknown, name: string): Promise<AppModuleRef> {
  if (isDynamicModule(value) || hasModuleMetadata(value)) return value as AppModuleRef;
  if (isClass(value)) {
    const forRoot = (value as unknown as { forRoot?: unknown }).forRoot;
    return typeof forRoot === 'function' ? asModule(await (forRoot as () => unknown).call(value), `${name}.forRoot()`) : value;
  }
  if (typeof value === 'function') return asModule(await (value as () => unknown)(), `${name}()`);
  throw new ModuleLoadError(`"${name}" is neither a Nest module class, a DynamicModule nor a function returning one.`);
}

/**
 * Imports a compiled module file (ESM or CommonJS) and picks the app module:
 * `exportName` when given (a dotted path such as `SampleModule.forRoot` is
 * followed, functions are called), else `AppModule`, else the default export,
 * else the only export whose name ends in `Module`.
 */
export async function loadAppModule(file: string, exportName?: string, cwd = process.cwd()): Promise<{ module: AppModuleRef; name: string }> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ModuleLoadError(`cannot import ${path}: ${errorMessage(err)}`, { cause: err });
  }
  if (exportName) {
    const [head, ...rest] = exportName.split('.');
    let holder: unknown = undefined;
    let value: unknown = namespace[head];
    for (const key of rest) {
      holder = value;
      value = value == null ? undefined : (value as Record<string, unknown>)[key];
    }
    if (value === undefined) throw new ModuleLoadError(`${path} has no export "${exportName}". Exports: ${Object.keys(namespace).join(', ') || '(none)'}.`);
    if (holder !== undefined && typeof value === 'function' && !isClass(value)) value = (value as () => unknown).bind(holder);
    return { module: await asModule(value, exportName), name: exportName };
  }
  const candidates = ['AppModule', 'default'].filter((k) => namespace[k] !== undefined);
  if (candidates.length === 0) {
    const modules = Object.keys(namespace).filter((k) => k.endsWith('Module') && typeof namespace[k] === 'function');
    if (modules.length !== 1) {
      throw new ModuleLoadError(
        `cannot tell which export of ${path} is the app module (${modules.length ? `candidates: ${modules.join(', ')}` : 'no export named *Module'}). Pass --export <name>.`,
      );
    }
    candidates.push(modules[0]);
  }
  const name = candidates[0];
  return { module: await asModule(namespace[name], name), name };
}

import { createRequire } from 'node:module';

/**
 * A `require()` that resolves from this package's own files, for the CommonJS
 * packages nestjs-djust loads lazily or by a deep path (class-transformer's
 * metadata storage, ioredis, the MCP SDK). This is the ES module version; in `dist/commonjs`
 * tshy replaces it with `package-require-cjs.cts` (plain `require`).
 */
// tshy type-checks this file in the CommonJS build too, where import.meta is an error; its output there is discarded.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore
export const packageRequire: NodeJS.Require = createRequire(import.meta.url);

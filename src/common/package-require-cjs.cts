/**
 * The CommonJS build's `package-require.ts` (tshy dialect override: it replaces
 * that file in `dist/commonjs`): the module's own `require`.
 */
export const packageRequire: NodeJS.Require = require;

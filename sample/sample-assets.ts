import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The page's static files (`sample/public/`, not compiled): found by walking up
 * from the compiled file, so it works from `.build/sample/` and from any other
 * out dir inside the project.
 */
export function samplePublicDir(): string {
  for (let dir = HERE; ; dir = dirname(dir)) {
    const candidate = join(dir, 'sample', 'public');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`sample/public/index.html not found above ${HERE}`);
  }
}

/**
 * The compiled browser client of nestjs-djust (`src/client/` compiled by the same
 * `tsc` run, next to this file's out dir), or `undefined` when it is not built.
 */
export function djustClientDir(): string | undefined {
  const dir = join(HERE, '..', 'src', 'client');
  return existsSync(dir) ? dir : undefined;
}

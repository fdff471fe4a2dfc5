import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// `npm test` compiles src/ into dist/ first (tsc -p tsconfig.build.json): CommonJS, as `nest build` makes it.
const root = join(__dirname, '..');
const bin = join(root, 'node_modules', '.bin', 'nestjs-djust');

describe('npx nestjs-djust audit on the compiled CommonJS app module', () => {
  it('lists the exposed handler and passes --strict', async () => {
    const { stdout } = await promisify(execFile)(bin, ['audit', 'dist/app.module.js', '--strict'], { cwd: root, timeout: 60_000 });
    expect(stdout).toMatch(/^1 handler exposed over HTTP under \/djust\/api, none flagged/);
    expect(stdout).toContain('POST /djust/api/counter/increment/');
    expect(stdout).toContain('auth=TokenAuth(csrf-exempt)');
    expect(stdout).toContain('permissions=counter.increment');
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectRoot } from '../support/project-root.js';

const root = `${projectRoot()}/`;
const readme = readFileSync(`${root}README.md`, 'utf8');

/**
 * Every TypeScript block of the README is marked `<!-- readme-snippet: path -->`
 * and must equal that file, which the type-check compiles (and tests import).
 */
describe('README code blocks', () => {
  const blocks = [...readme.matchAll(/<!-- readme-snippet: (\S+) -->\n```ts\n([\s\S]*?)```/g)];

  it('has snippet-marked blocks', () => {
    assert.ok(blocks.length >= 3);
  });

  for (const [, path, body] of blocks) {
    it(`${path} is the README's block, verbatim`, () => {
      assert.equal(readFileSync(`${root}${path}`, 'utf8'), body);
    });
  }

  it('marks every ts block except the checklist sketch', () => {
    const all = [...readme.matchAll(/(<!-- readme-snippet: \S+ -->\n)?```ts\n([\s\S]*?)```/g)];
    const unmarked = all.filter(([, marker, body]) => !marker && !body.includes('apiResponse({ result: ... })'));
    assert.deepEqual(unmarked.map(([, , body]) => body.split('\n')[0]), []);
  });
});

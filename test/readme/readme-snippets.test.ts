import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../src/core/resolved-options.js';
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

describe('README defaults', () => {
  it('states one default for ws.maxMessageSize, the one the module resolves', () => {
    const rows = [...readme.matchAll(/^\| `(?:ws\.)?maxMessageSize` \| ([^|]+) \|/gm)].map(([, cell]) => cell.trim());
    assert.ok(rows.length >= 2, 'the option tables list ws.maxMessageSize');
    assert.deepEqual([...new Set(rows)], ['256 KiB (or `bodyLimit` if smaller)']);
    assert.equal(resolveOptions({}, []).ws.maxMessageSize, 256 * 1024);
    assert.equal(resolveOptions({ bodyLimit: 4096 }, []).ws.maxMessageSize, 4096);
    assert.equal(resolveOptions({ bodyLimit: 4 * 1024 * 1024 }, []).ws.maxMessageSize, 256 * 1024);
  });
});

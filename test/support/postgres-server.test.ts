import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres } from './postgres-server.js';

async function instanceOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query("SELECT current_setting('djust.instance') AS instance")).rows[0].instance as string;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  // Another test's server on the port we were given must never be taken for ours: when it stops, it ends our
  // connections ("terminating connection due to administrator command", as CI once saw).
  it('a port another PostgreSQL server already holds: it starts its own server elsewhere, never talks to the other', async () => {
    const first = await startPostgres();
    try {
      const second = await startPostgres({ port: first.port });
      try {
        assert.notEqual(second.port, first.port);
        assert.notEqual(await instanceOf(second.url), await instanceOf(first.url));
        await first.stop();
        assert.equal((await instanceOf(second.url)).length, 36, 'the second still answers after the first stopped');
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });
});

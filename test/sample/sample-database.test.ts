import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqlClient } from '../../sample/database/sample-database.module.js';
import { SEED_ORDERS, migrateAndSeed } from '../../sample/database/sample-schema.js';
import { DEMO_ACCOUNTS, DEMO_API_TOKEN } from '../../sample/auth/demo-credentials.js';
import type { DjustPublisher } from '../../src/index.js';
import { OrderRepository } from '../../sample/orders/order.repository.js';
import { UserRepository } from '../../sample/auth/user.repository.js';
import type { SqlClient } from '../../sample/database/sql-client.js';
import { startPostgres } from '../support/postgres-server.js';

/** Records what the repository publishes (the app's DjustPublisher is tested in test/pubsub and test/scaleout). */
function recordingPublisher(published: unknown[] = []): DjustPublisher {
  return { publish: async (topic: string, payload: unknown) => void published.push([topic, payload]) } as unknown as DjustPublisher;
}

/** The same checks on any backend: migrations, the one-time seed, the repositories. */
async function exerciseBackend(sql: SqlClient, reopen: () => Promise<SqlClient>): Promise<void> {
  let report = await sql.exclusive(migrateAndSeed);
  const changes: unknown[] = [];
  const orders = new OrderRepository(sql, recordingPublisher(changes));
  const users = new UserRepository(sql);
  if (report.seededOrders) {
    assert.deepEqual(report, { seededOrders: SEED_ORDERS.length, seededUsers: DEMO_ACCOUNTS.length });
    assert.deepEqual(await orders.list(), SEED_ORDERS);
  }
  const before = await orders.find(42);
  assert.ok(before);
  const updated = await orders.setStatus(42, 'shipped');
  assert.deepEqual(updated, { ...before, status: 'shipped' });
  assert.deepEqual(changes, [['orders', { order_id: 42, status: 'shipped' }]]);
  assert.equal(await orders.setStatus(999_999, 'shipped'), undefined);
  assert.equal(changes.length, 1, 'nothing published for a missing order');

  assert.deepEqual((await orders.chart('orders_by_status')).labels, ['new', 'paid', 'shipped', 'delivered', 'refunded', 'cancelled']);
  const admin = await users.verifyCredentials('admin', 'admin');
  assert.deepEqual(admin && { username: admin.username, permissions: admin.permissions }, { username: 'admin', permissions: ['orders.view_order', 'orders.change_order'] });
  assert.equal(await users.verifyCredentials('admin', 'wrong'), undefined);
  assert.equal(await users.verifyCredentials('fulfillment-bot', ''), undefined, 'token-only accounts cannot log in');
  assert.equal((await users.findByToken(DEMO_API_TOKEN))?.username, 'fulfillment-bot');
  assert.equal(await users.findByToken('nope'), undefined);

  // A new id after the seeded ones: the identity sequence was moved past them.
  const [row] = await sql.query<{ id: number }>(`INSERT INTO djust_sample.orders (customer, item, total_cents) VALUES ('Test', 'Thing', 1) RETURNING id`);
  assert.ok(row.id > Math.max(...SEED_ORDERS.map((o) => o.id)), String(row.id));
  await sql.query('DELETE FROM djust_sample.orders WHERE id = $1', [row.id]);

  // Second start: the data is kept, nothing is seeded again.
  await sql.close();
  const again = await reopen();
  try {
    report = await again.exclusive(migrateAndSeed);
    assert.deepEqual(report, { seededOrders: 0, seededUsers: 0 });
    assert.equal((await new OrderRepository(again, recordingPublisher()).find(42))?.status, 'shipped');
  } finally {
    await again.close();
  }
}

describe('sample database', () => {
  it('PGlite with a data directory: seeds on first start only, keeps data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'djust-pglite-'));
    try {
      const dataDir = join(dir, 'db');
      await exerciseBackend(await openSqlClient({ dataDir }), () => openSqlClient({ dataDir }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A separate variable, so a DATABASE_URL meant for the app is never wiped by a test. Without it, a throwaway
  // PostgreSQL server (test/support/postgres-server.ts; CI installs the Debian package).
  it('PostgreSQL through pg (DJUST_TEST_DATABASE_URL, else a throwaway server), same SQL', async () => {
    const server = process.env.DJUST_TEST_DATABASE_URL ? undefined : await startPostgres();
    const url = process.env.DJUST_TEST_DATABASE_URL ?? server!.url;
    const opened: SqlClient[] = [];
    const open = async (): Promise<SqlClient> => {
      const sql = await openSqlClient({ databaseUrl: url });
      opened.push(sql);
      return sql;
    };
    try {
      const sql = await open();
      await sql.exec('DROP SCHEMA IF EXISTS djust_sample CASCADE');
      await exerciseBackend(sql, open);

      // The server ends the pool's idle connections (what a restart or pg_terminate_backend does): the process
      // lives on (an unlistened pool 'error' would end it) and the next query opens a new connection.
      const survivor = await open();
      assert.equal((await survivor.query<{ one: number }>('SELECT 1 AS one'))[0]?.one, 1);
      const admin = await open();
      const [killed] = await admin.query<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      assert.ok(killed!.n >= 1, 'the survivor\'s idle connection was terminated');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal((await survivor.query<{ one: number }>('SELECT 2 AS one'))[0]?.one, 2);
    } finally {
      // Pools first (close is idempotent), so a failed assertion is reported, not the server's shutdown.
      await Promise.all(opened.map((sql) => sql.close()));
      await server?.stop();
    }
  });
});

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { SqlClient } from './sql-client.js';

/** The advisory lock of {@link PgSqlClient.exclusive} (any fixed 64-bit number; this one is "djust" in ASCII). */
const EXCLUSIVE_LOCK_KEY = '431282811764';

/** A real PostgreSQL server through a `pg` connection pool (`DATABASE_URL`). */
export class PgSqlClient implements SqlClient, OnApplicationShutdown {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private readonly pool: pg.Pool;
  private closed = false;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 10 });
    this.description = `PostgreSQL at ${describeUrl(connectionString)}`;
    // An idle pooled connection that the server ends (a restart, a failover, an admin's pg_terminate_backend)
    // is an 'error' event on the pool: without a listener Node ends the process. The pool drops that
    // connection and opens a new one on the next query, so logging is all there is to do.
    const logger = new Logger('SampleDatabase');
    this.pool.on('error', (err) => logger.warn(`${this.description}: an idle connection ended: ${err.message}`));
  }

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(text, params as unknown[]);
    return result.rows as T[];
  }

  async exec(text: string): Promise<void> {
    await this.pool.query(text);
  }

  async exclusive<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
    const connection = await this.pool.connect();
    try {
      await connection.query('SELECT pg_advisory_lock($1)', [EXCLUSIVE_LOCK_KEY]);
      try {
        const pinned: SqlClient = {
          kind: this.kind,
          description: this.description,
          query: async <T>(text: string, params: readonly unknown[] = []) => (await connection.query(text, params as unknown[])).rows as T[],
          exec: async (text: string) => void (await connection.query(text)),
          exclusive: (inner) => inner(pinned),
          close: async () => undefined,
        };
        return await work(pinned);
      } finally {
        await connection.query('SELECT pg_advisory_unlock($1)', [EXCLUSIVE_LOCK_KEY]);
      }
    } finally {
      connection.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** Ends the pool when the Nest app shuts down. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** `host:port/database` of a connection string, without credentials. */
function describeUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return '(DATABASE_URL)';
  }
}

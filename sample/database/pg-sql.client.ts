import type { OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { SqlClient } from './sql-client.js';

/** A real PostgreSQL server through a `pg` connection pool (`DATABASE_URL`). */
export class PgSqlClient implements SqlClient, OnApplicationShutdown {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private readonly pool: pg.Pool;
  private closed = false;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 10 });
    this.description = `PostgreSQL at ${describeUrl(connectionString)}`;
  }

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(text, params as unknown[]);
    return result.rows as T[];
  }

  async exec(text: string): Promise<void> {
    await this.pool.query(text);
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

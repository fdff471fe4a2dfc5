import { PGlite } from '@electric-sql/pglite';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { SqlClient } from './sql-client.js';

/**
 * PGlite: PostgreSQL compiled to WebAssembly, running in this process. No
 * server to install. In memory by default (data is gone when the app stops),
 * or persisted in `dataDir`.
 */
export class PGliteSqlClient implements SqlClient, OnApplicationShutdown {
  readonly kind = 'pglite' as const;

  private constructor(
    private readonly db: PGlite,
    readonly description: string,
  ) {}

  /** Opens an in-memory database, or the one stored in `dataDir` (created when missing). */
  static async open(dataDir?: string): Promise<PGliteSqlClient> {
    const db = await PGlite.create(dataDir ? { dataDir } : {});
    return new PGliteSqlClient(db, dataDir ? `PGlite (embedded) in ${dataDir}` : 'PGlite (embedded, in memory)');
  }

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.db.query<T>(text, params as unknown[]);
    return result.rows;
  }

  async exec(text: string): Promise<void> {
    await this.db.exec(text);
  }

  exclusive<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
    return work(this);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }

  /** Closes the database when the Nest app shuts down (after the sockets are gone). */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

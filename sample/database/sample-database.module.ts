import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { PgSqlClient } from './pg-sql.client.js';
import { PGliteSqlClient } from './pglite-sql.client.js';
import { migrateAndSeed } from './sample-schema.js';
import { SqlClient } from './sql-client.js';

/** Where the sample's data lives. */
export interface SampleDatabaseOptions {
  /** A PostgreSQL connection string: use that server through `pg`. Default: none (PGlite). */
  databaseUrl?: string;
  /** PGlite only: a directory to persist the data in. Default: in memory. */
  dataDir?: string;
}

/** Opens the database chosen by the options. */
export async function openSqlClient(options: SampleDatabaseOptions): Promise<SqlClient> {
  return options.databaseUrl ? new PgSqlClient(options.databaseUrl) : PGliteSqlClient.open(options.dataDir);
}

/**
 * Provides the {@link SqlClient}: PGlite in memory by default, a data directory
 * with `dataDir`, or a PostgreSQL server with `databaseUrl`. Migrates and seeds
 * before anything else starts.
 */
@Module({})
export class SampleDatabaseModule {
  static forRoot(options: SampleDatabaseOptions = {}): DynamicModule {
    return {
      module: SampleDatabaseModule,
      global: true,
      providers: [
        {
          provide: SqlClient,
          useFactory: async (): Promise<SqlClient> => {
            const sql = await openSqlClient(options);
            try {
              // Several processes may start together on one PostgreSQL: one migrates and seeds at a time.
              const report = await sql.exclusive(migrateAndSeed);
              const logger = new Logger('SampleDatabase');
              logger.log(`${sql.description}: ${report.seededOrders ? `seeded ${report.seededOrders} orders` : 'existing data kept'}`);
            } catch (err) {
              await sql.close();
              throw err;
            }
            return sql;
          },
        },
      ],
      exports: [SqlClient],
    };
  }
}

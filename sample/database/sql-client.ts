/**
 * The one seam between the sample and its database: a parameterised query and a
 * multi-statement script. Implemented by PGlite (embedded, the default) and by
 * `pg` (a real PostgreSQL server, when `DATABASE_URL` is set). Both speak the
 * same SQL, so the repositories do not know which one they use.
 */
export interface SqlClient {
  /** `'pglite'` (embedded) or `'postgres'` (a server through `pg`). */
  readonly kind: 'pglite' | 'postgres';
  /** A human description for the startup banner (never contains a password). */
  readonly description: string;
  /** Runs one parameterised statement (`$1`, `$2`...) and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
  /**
   * Runs `work` while no other process runs `exclusive` work on this database
   * (migrations and the seed, so that processes starting together do not
   * race): PostgreSQL holds an advisory lock on one connection meanwhile;
   * PGlite belongs to one process and just runs it.
   */
  exclusive<T>(work: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Closes the connection(s). Idempotent. */
  close(): Promise<void>;
}

/** DI token of the {@link SqlClient} (type and token share the name). */
export const SqlClient = Symbol('SqlClient');

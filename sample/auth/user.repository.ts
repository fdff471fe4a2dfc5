import { Inject, Injectable } from '@nestjs/common';
import { SAMPLE_SCHEMA } from '../database/sample-schema.js';
import { SqlClient } from '../database/sql-client.js';
import { hashToken, verifyPassword } from './password-hash.util.js';
import type { SampleUser } from './sample-user.model.js';

const USERS = `${SAMPLE_SCHEMA}.users`;

/** The users table: password login, token lookup, and the session's user by id. */
@Injectable()
export class UserRepository {
  constructor(@Inject(SqlClient) private readonly sql: SqlClient) {}

  /** The user by id (for Passport's `deserializeUser`), or `undefined`. */
  async findById(id: number): Promise<SampleUser | undefined> {
    const [row] = await this.sql.query<SampleUser>(`SELECT id, username, permissions FROM ${USERS} WHERE id = $1`, [id]);
    return row;
  }

  /** The user owning this API token (compared by SHA-256), or `undefined`. */
  async findByToken(token: string): Promise<SampleUser | undefined> {
    if (!token) return undefined;
    const [row] = await this.sql.query<SampleUser>(`SELECT id, username, permissions FROM ${USERS} WHERE api_token_sha256 = $1`, [hashToken(token)]);
    return row;
  }

  /** The user when the password is right, else `undefined`. Accounts without a password never match. */
  async verifyCredentials(username: string, password: string): Promise<SampleUser | undefined> {
    const [row] = await this.sql.query<SampleUser & { password_hash: string | null }>(
      `SELECT id, username, permissions, password_hash FROM ${USERS} WHERE username = $1`,
      [username],
    );
    if (!row?.password_hash || !(await verifyPassword(password, row.password_hash))) return undefined;
    return { id: row.id, username: row.username, permissions: row.permissions };
  }
}

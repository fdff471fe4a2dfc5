import { Injectable } from '@nestjs/common';
import type { DjustAuth, DjustAuthSecurityScheme } from '../../src/index.js';
import type { SampleUser } from './sample-user.model.js';
import { UserRepository } from './user.repository.js';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The seed's `TokenAuth` for server-to-server callers: `Authorization: Bearer <token>`,
 * looked up in the database. CSRF-exempt (a header token is not sent by a
 * browser on its own). Over socket.io, `io('/djust', { auth: { token } })`
 * counts as the same header.
 */
@Injectable()
export class TokenAuth implements DjustAuth {
  /** Header auth: no CSRF token needed when this class wins. */
  static readonly csrfExempt = true;

  /** Described as an HTTP bearer scheme in the OpenAPI document (Swagger UI's "Authorize"). */
  static readonly openapi: DjustAuthSecurityScheme = {
    name: 'bearer',
    scheme: { type: 'http', scheme: 'bearer', description: 'An API token, e.g. the demo token printed at startup.' },
  };

  constructor(private readonly users: UserRepository) {}

  /** The token's user, or `null` to let the next auth class try. */
  async authenticate(request: { headers?: Record<string, string | string[] | undefined> }): Promise<SampleUser | null> {
    const header = request?.headers?.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    return match ? ((await this.users.findByToken(match[1])) ?? null) : null;
  }
}

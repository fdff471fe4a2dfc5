import { Injectable } from '@nestjs/common';
import type { DjustAuth } from 'nestjs-djust';
import { UserRepository } from './user.repository.js';

@Injectable()
export class TokenAuth implements DjustAuth {
  static csrfExempt = true; // a header token is not sent by browsers on their own
  // OpenAPI: an http bearer scheme, so Swagger's Authorize asks for the token itself
  static openapi = { name: 'bearer', scheme: { type: 'http', scheme: 'bearer' } };
  constructor(private readonly users: UserRepository) {}
  authenticate(req: { headers: Record<string, string | undefined> }) {
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    return token ? this.users.findByToken(token) : null; // a user, or null → next class / 401
  }
}

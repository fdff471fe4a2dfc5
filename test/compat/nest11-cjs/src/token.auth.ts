import { Injectable } from '@nestjs/common';
import type { DjustAuth } from 'nestjs-djust';
import { CompatUser, UserDirectory } from './user-directory';

/** `Authorization: Bearer <token>` (over socket.io: `handshake.auth.token`). An injectable provider, CSRF-exempt. */
@Injectable()
export class TokenAuth implements DjustAuth {
  static csrfExempt = true;

  constructor(private readonly users: UserDirectory) {}

  authenticate(req: { headers: Record<string, string | string[] | undefined> }): CompatUser | null {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
    return this.users.findByToken(header.slice('Bearer '.length));
  }
}

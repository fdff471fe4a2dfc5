import { Injectable } from '@nestjs/common';

/** A user of the compat app. */
export interface CompatUser {
  id: number;
  username: string;
  permissions: string[];
}

/** The users the token auth class knows (an injected dependency of the auth class). */
@Injectable()
export class UserDirectory {
  private readonly byToken: Record<string, CompatUser> = {
    'token-alice': { id: 1, username: 'alice', permissions: ['counter.increment'] },
    'token-bob': { id: 2, username: 'bob', permissions: [] },
  };

  findByToken(token: string): CompatUser | null {
    return this.byToken[token] ?? null;
  }
}

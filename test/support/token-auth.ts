import { Injectable } from '@nestjs/common';
import type { DjustAuth } from '../../src/index.js';

/** A test user. */
export interface TestUser {
  id: number;
  username: string;
  permissions: string[];
  isSuperuser?: boolean;
}

/** Tokens the test auth class knows. */
export const USERS: Record<string, TestUser> = {
  'token-alice': { id: 1, username: 'alice', permissions: ['orders.view_order', 'orders.change_order'] },
  'token-bob': { id: 2, username: 'bob', permissions: ['orders.view_order'] },
  'token-carol': { id: 3, username: 'carol', permissions: [] },
  'token-root': { id: 4, username: 'root', permissions: [], isSuperuser: true },
  'token-erin': { id: 5, username: 'erin', permissions: [] },
};

/** Bearer-token auth for tests: `Authorization: Bearer token-alice`. CSRF-exempt. */
@Injectable()
export class TestTokenAuth implements DjustAuth {
  static csrfExempt = true;
  static openapi = { name: 'testToken', scheme: { type: 'http', scheme: 'bearer' } };

  authenticate(req: { headers: Record<string, string | string[] | undefined> }): TestUser | null {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
    return USERS[header.slice(7)] ?? null;
  }
}

/** `Authorization` header for a test token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

import { Injectable } from '@nestjs/common';

/** A user of the README examples (and of the auth e2e tests). */
export interface User {
  id: number;
  username: string;
  /** Permissions for `defaultHasPermission` (array or Set). */
  permissions: string[];
  /** Roles, read by the README's async `PermissionService`. */
  roles: string[];
  isSuperuser?: boolean;
  /** `NotSuspendedGuard` refuses suspended users. */
  suspended?: boolean;
}

interface StoredUser extends User {
  readonly password: string;
  readonly apiToken: string;
}

const USERS: readonly StoredUser[] = [
  { id: 1, username: 'alice', password: 'alice-pw', apiToken: 'tok-alice', permissions: ['orders.view_order', 'orders.change_order'], roles: ['manager'] },
  { id: 2, username: 'bob', password: 'bob-pw', apiToken: 'tok-bob', permissions: ['orders.view_order'], roles: ['clerk'] },
  { id: 3, username: 'carol', password: 'carol-pw', apiToken: 'tok-carol', permissions: [], roles: [] },
  { id: 4, username: 'root', password: 'root-pw', apiToken: 'tok-root', permissions: [], roles: [], isSuperuser: true },
  { id: 5, username: 'dave', password: 'dave-pw', apiToken: 'tok-dave', permissions: ['orders.view_order', 'orders.change_order'], roles: ['manager'], suspended: true },
];

/**
 * The README's `UserRepository` ("your own repository"): an in-memory table
 * standing in for a database. Every lookup is async, as a real one would be,
 * and returns a copy without the password or the token.
 */
@Injectable()
export class UserRepository {
  /** The user owning an API token, or `null`. */
  async findByToken(token: string): Promise<User | null> {
    return publicUser(USERS.find((u) => u.apiToken === token));
  }

  /** The user with this id, or `null`. */
  async findById(id: number): Promise<User | null> {
    return publicUser(USERS.find((u) => u.id === id));
  }

  /** The user when the password matches, else `null`. */
  async checkPassword(username: string, password: string): Promise<User | null> {
    const user = USERS.find((u) => u.username === username);
    return user !== undefined && user.password === password ? publicUser(user) : null;
  }
}

function publicUser(user: StoredUser | undefined): User | null {
  if (user === undefined) return null;
  const { password: _password, apiToken: _apiToken, ...rest } = user;
  return { ...rest, permissions: [...rest.permissions], roles: [...rest.roles] };
}

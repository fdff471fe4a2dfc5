/**
 * The work every benchmarked server does for the seed's `update_status`: a bearer
 * token looked up to a user, a DTO validated (`order_id` integer, `status` string of
 * at most 50 chars), the status stored in a repository, and the djust envelope
 * `{ result: { order_id, status }, assigns: {} }` sent back as JSON.
 */
import { Injectable } from '@nestjs/common';
import { IsInt, IsString, MaxLength } from 'class-validator';

/** The seed's DTO (the same class for the djust view and the hand-written controller). */
export class UpdateStatusDto {
  @IsInt() order_id!: number;
  @IsString() @MaxLength(50) status!: string;
}

/** A benchmark user. */
export interface BenchUser {
  id: number;
  username: string;
}

/** Bearer tokens the servers accept. */
export const BENCH_USERS: Readonly<Record<string, BenchUser>> = Object.freeze({
  'token-bench': { id: 1, username: 'bench' },
});

/** The token the load generator sends. */
export const BENCH_TOKEN = 'token-bench';

/** The request body the load generator sends. */
export const BENCH_BODY = JSON.stringify({ order_id: 42, status: 'shipped' });

/** A body every server must refuse with 400: a non-integer id, a 51-char status. */
export const BENCH_INVALID_BODY = JSON.stringify({ order_id: 4.5, status: 'x'.repeat(51) });

/** The expected response body (its JSON text is what every server must send, byte for byte). */
export const BENCH_EXPECTED = { result: { order_id: 42, status: 'shipped' }, assigns: {} };

/** `Authorization: Bearer <token>` → user, or `null`. */
export function userFromAuthorization(header: unknown): BenchUser | null {
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
  return BENCH_USERS[header.slice(7)] ?? null;
}

/** The repository the handler writes to. */
@Injectable()
export class OrderRepository {
  readonly statuses = new Map<number, string>();

  setStatus(id: number, status: string): void {
    this.statuses.set(id, status);
  }
}

/**
 * The seed's `UpdateStatusDto` as a zod 4 schema, for the contract-first
 * frameworks (`@orpc/nest`, `@ts-rest/nest`): `order_id` an integer, `status` a
 * string of at most 50 chars. Unknown keys are stripped (zod's default), as the
 * djust DTO ignores them.
 */
import * as z from 'zod';

export const UpdateStatusSchema = z.object({
  order_id: z.number().int(),
  status: z.string().max(50),
});

/** The answer every server sends. */
export interface UpdateStatusEnvelope {
  result: { order_id: number; status: string };
  assigns: Record<string, never>;
}

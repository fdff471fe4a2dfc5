import { NotFoundException } from '@nestjs/common';

/** 404 `not_found` for a missing order, with a message the caller may see. */
export function orderNotFound(orderId: number): NotFoundException {
  return new NotFoundException(`Order ${orderId} does not exist.`);
}

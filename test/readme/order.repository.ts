import { Injectable } from '@nestjs/common';

/** A stand-in for the app's data layer in the README examples. */
@Injectable()
export class OrderRepository {
  readonly statuses = new Map<number, string>();

  async setStatus(orderId: number, status: string): Promise<void> {
    this.statuses.set(orderId, status);
  }
}

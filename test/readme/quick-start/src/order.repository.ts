import { Injectable } from '@nestjs/common';

@Injectable()
export class OrderRepository {
  private readonly statuses = new Map<number, string>([[42, 'paid']]); // your database here

  async setStatus(orderId: number, status: string): Promise<void> {
    this.statuses.set(orderId, status);
  }
}

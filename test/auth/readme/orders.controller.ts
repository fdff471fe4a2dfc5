import { Controller, HttpCode, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DjustPermissionGuard, PermissionRequired } from 'nestjs-djust';

@Controller('orders')
@UseGuards(AuthGuard('bearer'), DjustPermissionGuard)
export class OrdersController {
  @Post(':id/refund')
  @HttpCode(200)
  @PermissionRequired('orders.change_order')
  refund(@Param('id', ParseIntPipe) id: number) {
    return { refunded: id };
  }
}

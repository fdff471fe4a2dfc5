import { Module } from '@nestjs/common';
import { DjustModule } from 'nestjs-djust';
import { OrderRepository } from './order.repository.js';
import { OrderView } from './order.view.js';
import { TokenAuth } from './token-auth.js';

@Module({
  imports: [DjustModule.forRoot({ authClasses: [TokenAuth] })], // default: [SessionAuth] (see Auth)
  providers: [OrderRepository, OrderView], // views are ordinary providers
})
export class AppModule {}

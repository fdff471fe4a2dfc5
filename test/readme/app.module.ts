// The app of the README's "Marking handlers" section (OrderView with the default SessionAuth), booted by readme-app.test.ts.
import { Module } from '@nestjs/common';
import { DjustModule } from 'nestjs-djust';
import { OrderRepository } from './order.repository.js';
import { OrderView } from './order.view.js';

@Module({
  imports: [DjustModule.forRoot({ debug: false })],
  providers: [OrderRepository, OrderView],
})
export class AppModule {}

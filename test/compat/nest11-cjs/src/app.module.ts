import { Module } from '@nestjs/common';
import { DjustModule } from 'nestjs-djust';
import { CounterView, IncrementLog } from './counter.view';
import { TokenAuth } from './token.auth';
import { UserDirectory } from './user-directory';

@Module({
  imports: [DjustModule.forRoot({ authClasses: [TokenAuth], openapi: { title: 'compat', version: '1.0.0' } })],
  providers: [UserDirectory, TokenAuth, IncrementLog, CounterView],
})
export class AppModule {}

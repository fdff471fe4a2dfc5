import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { withDjust } from 'nestjs-djust';

// In main.ts, after NestFactory.create() and before app.listen(): no app.init() needed.
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder().setTitle('Shop').setVersion('1.0').setOpenAPIVersion('3.1.0').build();
  SwaggerModule.setup('docs', app, withDjust(app, SwaggerModule.createDocument(app, config)));
}

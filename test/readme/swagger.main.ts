import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { withDjust } from 'nestjs-djust';

export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder().setTitle('Shop').setVersion('1.0').setOpenAPIVersion('3.1.0').build();
  // A factory: the document is built on first request, once the views are discovered.
  SwaggerModule.setup('docs', app, () => withDjust(app, SwaggerModule.createDocument(app, config)));
}

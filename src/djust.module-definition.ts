import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { DjustModuleOptions } from './interfaces/djust-module-options.interface.js';

/**
 * `forRoot(options)` / `forRootAsync({ useFactory | useClass | useExisting })`,
 * built once with Nest's `ConfigurableModuleBuilder`. A `useClass` /
 * `useExisting` options class implements `createDjustOptions()`.
 */
export const {
  ConfigurableModuleClass: DjustConfigurableModule,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE: DJUST_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: DJUST_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<DjustModuleOptions>({ moduleName: 'Djust' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createDjustOptions')
  .build();

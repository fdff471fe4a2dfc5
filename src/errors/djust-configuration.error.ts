/**
 * A developer error found at startup (duplicate slug, bad decorator use, unknown
 * auth class...). Its message says what is wrong and how to fix it.
 */
export class DjustConfigurationError extends Error {
  constructor(message: string) {
    super(`nestjs-djust: ${message}`);
    this.name = 'DjustConfigurationError';
  }
}

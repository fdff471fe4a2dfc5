import { createRequire } from 'node:module';

/** What `@Type(() => X, options)` from class-transformer recorded for one property. */
export interface TransformerTypeMetadata {
  /** The type function passed to `@Type`. */
  readonly typeFunction: (options?: unknown) => Function;
  /** `@Type` options: a discriminator for polymorphic properties. */
  readonly options?: {
    discriminator?: { property: string; subTypes: { name: string; value: Function }[] };
    keepDiscriminatorProperty?: boolean;
  };
}

interface TransformerStorage {
  findTypeMetadata(target: Function, propertyName: string): TransformerTypeMetadata | undefined;
}

let storage: TransformerStorage | null | undefined;

/**
 * class-transformer's `defaultMetadataStorage` — the singleton `@Type()` writes to.
 *
 * class-transformer has no `exports` map, so `import 'class-transformer'` from
 * ESM loads its CommonJS build (`main: ./cjs/index.js`); requiring
 * `class-transformer/cjs/storage.js` reaches the very same module instance.
 * `null` when class-transformer is not installed.
 */
function transformerStorage(): TransformerStorage | null {
  if (storage === undefined) {
    try {
      const require = createRequire(import.meta.url);
      storage = (require('class-transformer/cjs/storage.js') as { defaultMetadataStorage: TransformerStorage }).defaultMetadataStorage;
    } catch {
      storage = null;
    }
  }
  return storage;
}

/** The `@Type()` metadata of a property (own or inherited), if any. */
export function findTransformerType(target: Function, propertyName: string): TransformerTypeMetadata | undefined {
  return transformerStorage()?.findTypeMetadata(target, propertyName) ?? undefined;
}

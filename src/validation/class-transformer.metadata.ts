import { packageRequire } from '../common/package-require.js';

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
  findTransformMetadatas(target: Function, propertyName: string, transformationType: number): unknown[];
  findExposeMetadata(target: Function, propertyName: string): unknown;
  findExcludeMetadata(target: Function, propertyName: string): unknown;
  getStrategy(target: Function): string;
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
      storage = (packageRequire('class-transformer/cjs/storage.js') as { defaultMetadataStorage: TransformerStorage }).defaultMetadataStorage;
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

/**
 * Whether class-transformer would do anything beyond copying for these
 * properties of `target` (a class-level strategy, or `@Type`/`@Transform`/
 * `@Expose`/`@Exclude` on one of them). When not, `plainToInstance` is a plain
 * copy onto `new target()` and can be skipped. `true` when unsure.
 */
export function hasTransformerMetadata(target: Function, propertyNames: readonly string[]): boolean {
  const s = transformerStorage();
  if (!s) return false;
  try {
    if (s.getStrategy(target) !== 'none') return true;
    return propertyNames.some(
      (p) =>
        s.findTypeMetadata(target, p) !== undefined ||
        s.findTransformMetadatas(target, p, 0 /* PLAIN_TO_CLASS */).length > 0 ||
        s.findExposeMetadata(target, p) !== undefined ||
        s.findExcludeMetadata(target, p) !== undefined,
    );
  } catch {
    return true;
  }
}

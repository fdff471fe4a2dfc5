import { findTransformerType, type TransformerTypeMetadata } from '../validation/class-transformer.metadata.js';
import { builtinSchema, isBuiltinType, isUserClass } from './class-type.util.js';
import type { JsonSchema } from './openapi.types.js';
import type { PropertyValidators } from './validator-metadata.collector.js';

/** The declared types of one DTO property: TypeScript's `design:type` and class-transformer's `@Type()`. */
export interface PropertyTypes {
  /** `design:type` (what TypeScript emitted for the declared type). */
  readonly designType: unknown;
  /** The `@Type()` metadata, if any. */
  readonly transformer: TransformerTypeMetadata | undefined;
  /** What `@Type(() => X)` returns (`undefined` when absent or throwing). */
  readonly transformerType: unknown;
}

/** Reads the declared types of `property` on `dtoClass`. */
export function readPropertyTypes(dtoClass: Function, property: string): PropertyTypes {
  const designType = Reflect.getMetadata('design:type', dtoClass.prototype, property) as unknown;
  const transformer = findTransformerType(dtoClass, property);
  let transformerType: unknown;
  if (transformer) {
    try {
      transformerType = transformer.typeFunction();
    } catch {
      transformerType = undefined;
    }
  }
  return { designType, transformer, transformerType };
}

/** Array-ness: the validators decide when they constrain the type; else the declared type. */
export function isArrayProperty(validators: PropertyValidators, { designType }: PropertyTypes): boolean {
  const { self, items } = validators;
  if (self.types) return self.types.includes('array') && self.types.length === 1;
  return designType === Array || designType === Set || (items.touched && designType !== Object && !isUserClass(designType));
}

/**
 * The element schema of a property (of its items when it is an array): a
 * polymorphic union from a `@Type` discriminator, a nested DTO's `$ref`, or a
 * built-in from `@Type` / the declared type. `undefined` when none is known.
 */
export function resolveElement(types: PropertyTypes, isArray: boolean, ref: (dtoClass: Function) => JsonSchema): JsonSchema | undefined {
  const { transformer, transformerType, designType } = types;
  const discriminator = transformer?.options?.discriminator;
  if (discriminator && discriminator.subTypes?.length) {
    const mapping: Record<string, string> = {};
    const oneOf = discriminator.subTypes.map((sub) => {
      const subRef = ref(sub.value);
      mapping[sub.name] = subRef.$ref as string;
      return subRef;
    });
    return { oneOf, discriminator: { propertyName: discriminator.property, mapping } };
  }
  if (isUserClass(transformerType)) return ref(transformerType);
  if (isBuiltinType(transformerType) && transformerType !== Array) return builtinSchema(transformerType);
  if (!isArray && isUserClass(designType)) return ref(designType);
  return undefined;
}

import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import { accumulate, newAccumulator, type SchemaAccumulator } from './schema.accumulator.js';
import { VALIDATION_SCHEMA_TABLE, type ValidationRuleContext } from './validation-schema.table.js';

/** Validation metadata kinds that are not value checks. */
const CONDITIONAL = 'conditionalValidation';
const NESTED = 'nestedValidation';
const WHITELIST = 'whitelistValidation';
const PROMISE = 'promiseValidation';
const CUSTOM = 'customValidation';

/** What the class-validator decorators of one property say about its schema. */
export interface PropertyValidators {
  /** Keywords for the value itself. */
  readonly self: SchemaAccumulator;
  /** Keywords from `{ each: true }` validators (the array's items). */
  readonly items: SchemaAccumulator;
  /** `@IsOptional()` or `@ValidateIf()`. */
  optional: boolean;
  /** `@ValidateNested()`. */
  nested: boolean;
  /** `@Allow()`: any value. */
  allowAny: boolean;
  /** At least one validator rejects an absent value. */
  rejectsUndefined: boolean;
}

/**
 * Folds the class-validator metadata of one property into schema keywords
 * through {@link VALIDATION_SCHEMA_TABLE} (never a `switch`), reporting what
 * cannot be mapped through `warn`.
 */
export function collectValidators(metadatas: readonly ValidationMetadata[], context: ValidationRuleContext, warn: (reason: string) => void): PropertyValidators {
  const out: PropertyValidators = { self: newAccumulator(), items: newAccumulator(), optional: false, nested: false, allowAny: false, rejectsUndefined: false };
  for (const meta of metadatas) {
    if (!collectSystemKind(meta, out, warn)) collectRule(meta, out, context, warn);
  }
  return out;
}

/** Handles the metadata kinds that are not value checks; `false` for a value check. */
function collectSystemKind(meta: ValidationMetadata, out: PropertyValidators, warn: (reason: string) => void): boolean {
  if (meta.type === CONDITIONAL) {
    out.optional = true;
    if (meta.name !== 'isOptional') warn('@ValidateIf: conditional validation cannot be expressed; documented as optional with its validators');
    return true;
  }
  if (meta.type === NESTED) out.nested = true;
  else if (meta.type === WHITELIST) out.allowAny = true;
  else if (meta.type !== PROMISE) return false;
  return true;
}

/** Adds one value check's keywords (to the items with `each: true`) through the table. */
function collectRule(meta: ValidationMetadata, out: PropertyValidators, context: ValidationRuleContext, warn: (reason: string) => void): void {
  const ruleName = meta.type === CUSTOM ? meta.name : meta.type;
  const rule = ruleName ? VALIDATION_SCHEMA_TABLE[ruleName] : undefined;
  if (!rule) {
    out.rejectsUndefined = true;
    warn(`validator ${ruleName ? `"${ruleName}"` : '(custom constraint class)'} has no JSON Schema mapping; it is not reflected in the schema`);
    return;
  }
  if (!rule.acceptsUndefined) out.rejectsUndefined = true;
  if ((meta as { validateIf?: unknown }).validateIf) {
    warn(`validator "${ruleName}" has a validateIf condition; it is not reflected in the schema`);
    return;
  }
  const constraints = meta.constraints ?? [];
  const lossy = rule.lossy?.(constraints);
  if (lossy) warn(lossy);
  const keywords = lossy ? {} : (rule.keywords?.(constraints, context) ?? {});
  accumulate(meta.each ? out.items : out.self, rule.types, keywords, warn);
}

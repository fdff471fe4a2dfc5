import type { JsonSchema, JsonSchemaType } from './openapi.types.js';

/** What a table rule can ask of the DTO schema factory while mapping constraints. */
export interface ValidationRuleContext {
  /** A `$ref` schema for a DTO class (registering it as a component). */
  ref(dtoClass: Function): JsonSchema;
}

/**
 * How one class-validator decorator maps to JSON Schema 2020-12.
 *
 * The DTO schema factory looks rules up by the validation metadata's `name`
 * (`isInt`, `min`, ...) for `customValidation` metadata, or by its `type`
 * (`isDefined`) for the system kinds — never with a `switch`.
 */
export interface ValidationSchemaRule {
  /**
   * The JSON types a value must have to pass the validator. Several rules on one
   * property intersect (`isNumber` + `isInt` → `integer`).
   */
  readonly types?: readonly JsonSchemaType[];
  /** Keywords derived from the decorator's constraints (added to the property, or to `items` with `each: true`). */
  readonly keywords?: (constraints: readonly unknown[], context: ValidationRuleContext) => JsonSchema;
  /**
   * A reason when the constraints cannot be expressed exactly; the rule's
   * `keywords` are then not applied and the reason becomes a warning.
   */
  readonly lossy?: (constraints: readonly unknown[]) => string | undefined;
  /** The validator passes an absent (`undefined`) value, so it alone does not make the property required. */
  readonly acceptsUndefined?: boolean;
  /** The validator passes `null`. Only matters on an `@IsOptional()`-free property; informative. */
  readonly acceptsNull?: boolean;
}

const STRING: readonly JsonSchemaType[] = ['string'];
const NUMBER: readonly JsonSchemaType[] = ['number'];
const ARRAY: readonly JsonSchemaType[] = ['array'];
const OBJECT: readonly JsonSchemaType[] = ['object'];

/** JSON Schema `format` for a string validator. */
const stringFormat = (format: string): ValidationSchemaRule => ({ types: STRING, keywords: () => ({ format }) });

/** A string validator whose exact grammar JSON Schema has no keyword for (the type is still exact). */
const stringOnly: ValidationSchemaRule = { types: STRING };

/** Escapes a literal for use inside a JSON Schema (ECMA-262) pattern. */
export function escapePattern(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The enum values behind an `@IsEnum(entity)` (numeric-enum reverse keys dropped), as class-validator computes them. */
function enumValues(constraints: readonly unknown[]): unknown[] {
  if (Array.isArray(constraints[1])) return [...constraints[1]];
  const entity = (constraints[0] ?? {}) as Record<string, unknown>;
  return Object.entries(entity)
    .filter(([key]) => Number.isNaN(Number.parseInt(key, 10)))
    .map(([, value]) => value);
}

/** `type` for a homogeneous list of enum values (none when mixed). */
export function enumType(values: readonly unknown[]): JsonSchemaType | undefined {
  if (values.length === 0) return undefined;
  if (values.every((v) => typeof v === 'string')) return 'string';
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'integer';
  if (values.every((v) => typeof v === 'number')) return 'number';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  return undefined;
}

function enumKeywords(values: unknown[]): JsonSchema {
  const type = enumType(values);
  return type ? { type, enum: values } : { enum: values };
}

/** The regex source and flags of a `@Matches()` constraint list. */
function matchesPattern(constraints: readonly unknown[]): { source: string; flags: string } {
  const [pattern, modifiers] = constraints;
  if (pattern instanceof RegExp) return { source: pattern.source, flags: pattern.flags };
  return { source: String(pattern), flags: typeof modifiers === 'string' ? modifiers : '' };
}

/** Flags that do not change which strings a pattern accepts when tested once. */
const HARMLESS_FLAGS = new Set(['g', 'u', 'd', 'y']);

/**
 * class-validator decorator name → JSON Schema keywords. Rows cover the
 * built-in decorators; a decorator missing here (including user-defined ones
 * made with `registerDecorator`/`@Validate`) is reported as a warning and
 * contributes nothing to the schema.
 */
export const VALIDATION_SCHEMA_TABLE: Readonly<Record<string, ValidationSchemaRule>> = {
  // ── type checkers
  isInt: { types: ['integer'] },
  isNumber: { types: NUMBER },
  isBoolean: { types: ['boolean'] },
  isString: { types: STRING },
  isArray: { types: ARRAY },
  isObject: { types: OBJECT },
  isDate: { types: STRING, keywords: () => ({ format: 'date-time' }) },
  isEnum: { keywords: (c) => enumKeywords(enumValues(c)) },
  isIn: { keywords: (c) => enumKeywords([...((c[0] as unknown[]) ?? [])]) },
  isNotIn: { keywords: (c) => ({ not: { enum: [...((c[0] as unknown[]) ?? [])] } }), acceptsUndefined: true, acceptsNull: true },
  isInstance: { types: OBJECT, keywords: (c, ctx) => (typeof c[0] === 'function' ? ctx.ref(c[0]) : {}) },
  isDefined: {},

  // ── common
  equals: { keywords: (c) => ({ const: c[0] }), acceptsUndefined: false },
  notEquals: { keywords: (c) => ({ not: { const: c[0] } }), acceptsUndefined: true, acceptsNull: true },
  isEmpty: { keywords: () => ({ enum: ['', null] }), acceptsUndefined: true, acceptsNull: true },
  isNotEmpty: { keywords: () => ({ not: { enum: ['', null] } }) },
  isLatitude: { types: ['number', 'string'] },
  isLongitude: { types: ['number', 'string'] },

  // ── numbers
  min: { types: NUMBER, keywords: (c) => ({ minimum: c[0] as number }) },
  max: { types: NUMBER, keywords: (c) => ({ maximum: c[0] as number }) },
  isPositive: { types: NUMBER, keywords: () => ({ exclusiveMinimum: 0 }) },
  isNegative: { types: NUMBER, keywords: () => ({ exclusiveMaximum: 0 }) },
  isDivisibleBy: { types: NUMBER, keywords: (c) => ({ multipleOf: c[0] as number }) },

  // ── strings: length and pattern
  isLength: {
    types: STRING,
    keywords: (c) => ({
      ...(typeof c[0] === 'number' ? { minLength: c[0] } : {}),
      ...(typeof c[1] === 'number' ? { maxLength: c[1] } : {}),
    }),
  },
  minLength: { types: STRING, keywords: (c) => ({ minLength: c[0] as number }) },
  maxLength: { types: STRING, keywords: (c) => ({ maxLength: c[0] as number }) },
  matches: {
    types: STRING,
    keywords: (c) => ({ pattern: matchesPattern(c).source }),
    lossy: (c) => {
      const { source, flags } = matchesPattern(c);
      const bad = [...flags].filter((f) => !HARMLESS_FLAGS.has(f));
      if (bad.length) return `@Matches(/${source}/${flags}): flag(s) "${bad.join('')}" cannot be expressed in a JSON Schema pattern; pattern omitted`;
      try {
        new RegExp(source, 'u');
      } catch {
        return `@Matches(/${source}/): not a valid ECMA-262 unicode pattern as JSON Schema requires; pattern omitted`;
      }
      return undefined;
    },
  },
  contains: { types: STRING, keywords: (c) => ({ pattern: escapePattern(String(c[0])) }) },
  notContains: { types: STRING, keywords: (c) => ({ not: { pattern: escapePattern(String(c[0])) } }) },
  isByteLength: { types: STRING, lossy: () => '@IsByteLength: byte lengths cannot be expressed in JSON Schema; only the string type is documented' },

  // ── strings: formats
  isUuid: stringFormat('uuid'),
  isEmail: stringFormat('email'),
  isUrl: stringFormat('uri'),
  isDateString: stringFormat('date-time'),
  isIso8601: stringFormat('date-time'),
  isRFC3339: stringFormat('date-time'),
  isFqdn: stringFormat('hostname'),
  isIp: { types: STRING, keywords: (c) => (String(c[0] ?? '') === '4' ? { format: 'ipv4' } : String(c[0] ?? '') === '6' ? { format: 'ipv6' } : {}) },
  isMilitaryTime: { types: STRING, keywords: () => ({ pattern: '^([01]\\d|2[0-3]):?([0-5]\\d)$' }) },
  isMongoId: { types: STRING, keywords: () => ({ pattern: '^[0-9a-fA-F]{24}$' }) },
  isBooleanString: { types: STRING, keywords: () => ({ enum: ['true', 'false', '1', '0'] }) },
  isNumberString: stringOnly,
  isJson: { types: STRING, keywords: () => ({ contentMediaType: 'application/json' }) },
  isBase64: { types: STRING, keywords: () => ({ contentEncoding: 'base64' }) },
  isHexadecimal: { types: STRING, keywords: () => ({ pattern: '^(0x|0h)?[0-9A-Fa-f]+$' }) },
  isAlpha: stringOnly,
  isAlphanumeric: stringOnly,
  isAscii: stringOnly,
  isBase32: stringOnly,
  isBase58: stringOnly,
  isBIC: stringOnly,
  isBtcAddress: stringOnly,
  isCreditCard: stringOnly,
  isCurrency: stringOnly,
  isDataURI: stringOnly,
  isDecimal: stringOnly,
  isEAN: stringOnly,
  isEthereumAddress: stringOnly,
  IsFirebasePushId: stringOnly,
  isFullWidth: stringOnly,
  isHalfWidth: stringOnly,
  isHash: stringOnly,
  isHexColor: stringOnly,
  isHSL: stringOnly,
  isIBAN: stringOnly,
  isIdentityCard: stringOnly,
  isIsbn: stringOnly,
  isIsin: stringOnly,
  isISO31661Alpha2: stringOnly,
  isISO31661Alpha3: stringOnly,
  isISO31661Numeric: stringOnly,
  isISO4217CurrencyCode: stringOnly,
  isISO6391: stringOnly,
  isISRC: stringOnly,
  isISSN: stringOnly,
  isJwt: stringOnly,
  isLatLong: stringOnly,
  isLocale: stringOnly,
  isLowercase: stringOnly,
  isMacAddress: stringOnly,
  isMagnetURI: stringOnly,
  isMimeType: stringOnly,
  isMobilePhone: stringOnly,
  isMultibyte: stringOnly,
  isOctal: stringOnly,
  isPassportNumber: stringOnly,
  isPhoneNumber: stringOnly,
  isPort: stringOnly,
  isPostalCode: stringOnly,
  isRgbColor: stringOnly,
  isSemVer: stringOnly,
  isStrongPassword: stringOnly,
  isSurrogatePair: stringOnly,
  isTaxId: stringOnly,
  isTimeZone: stringOnly,
  isUppercase: stringOnly,
  isVariableWidth: stringOnly,

  // ── dates (as Date instances after transformation; JSON carries ISO strings)
  minDate: { types: STRING, lossy: () => '@MinDate cannot be expressed in JSON Schema; only the date-time string is documented' },
  maxDate: { types: STRING, lossy: () => '@MaxDate cannot be expressed in JSON Schema; only the date-time string is documented' },

  // ── arrays
  arrayMinSize: { types: ARRAY, keywords: (c) => ({ minItems: c[0] as number }) },
  arrayMaxSize: { types: ARRAY, keywords: (c) => ({ maxItems: c[0] as number }) },
  arrayNotEmpty: { types: ARRAY, keywords: () => ({ minItems: 1 }) },
  arrayUnique: {
    types: ARRAY,
    keywords: () => ({ uniqueItems: true }),
    lossy: (c) => (typeof c[0] === 'function' ? '@ArrayUnique(identifier): uniqueness by a key cannot be expressed in JSON Schema; uniqueItems omitted' : undefined),
  },
  arrayContains: {
    types: ARRAY,
    keywords: (c) => ({ allOf: ((c[0] as unknown[]) ?? []).map((value) => ({ contains: { const: value } })) }),
  },
  arrayNotContains: {
    types: ARRAY,
    keywords: (c) => ({ not: { contains: { enum: [...((c[0] as unknown[]) ?? [])] } } }),
  },

  // ── objects
  isNotEmptyObject: { types: OBJECT, keywords: () => ({ minProperties: 1 }) },
};

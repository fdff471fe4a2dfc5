import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import type { ValidationError } from 'class-validator';
import { notAnObject, validationError } from '../protocol/wire-errors.js';
import { ClassValidatorRunner } from './class-validator.runner.js';
import { isPlainObject, pickAndCoerce } from './coerce.js';
import { dtoPlan, type DtoPlan } from './dto-plan.js';

/** The message for a missing required field (the seed's wording). */
export const REQUIRED_MESSAGE = 'This field is required.';

/**
 * Constraints that check a value's type. When one of them fails, the others
 * (bounds, lengths, formats) say nothing useful about the value, so only the
 * type's message is reported: `"stars must be an integer number"`, not that
 * plus `"must not be greater than 5"` and `"must not be less than 1"`.
 */
const TYPE_CONSTRAINTS = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject', 'isDate', 'nestedValidation']);

/**
 * Coerces and validates handler params against a DTO class, identically for
 * both transports. Plans are computed once per DTO (`prepare` at bootstrap).
 */
export class DtoValidator {
  private readonly plans = new Map<Type, DtoPlan>();
  /** class-validator's `validate()` with each class's metadata looked up once (not per call across every DTO class). */
  private readonly runner = new ClassValidatorRunner({ whitelist: true, forbidNonWhitelisted: false, forbidUnknownValues: false });

  /** Precomputes a DTO's plan (call at bootstrap). */
  prepare(type: Type): DtoPlan {
    return dtoPlan(type, this.plans);
  }

  /**
   * Returns a validated DTO instance, or throws a 400 `validation_error` whose
   * details map each field (dotted path for nested ones) to its messages.
   * `input` must already be sanitized (`sanitizeParams`); `undefined` (no body) is
   * an empty object, anything else that is not a JSON object (`null` included)
   * is a `non_field_errors` error.
   *
   * Required means "not `@IsOptional()`", whatever the other decorators: a
   * property that is not optional and ends up `undefined` or `null` (after the
   * DTO's own defaults) is `"This field is required."` and nothing else — a
   * `@ValidateNested()` object included, which class-validator alone lets
   * through. `@ValidateIf()` properties are left to their condition.
   */
  async validate(type: Type, input: unknown): Promise<object> {
    if (input === undefined) input = {};
    if (!isPlainObject(input)) {
      throw notAnObject();
    }
    const plan = this.plans.get(type) ?? this.prepare(type);
    const picked = pickAndCoerce(plan, input);
    // Without class-transformer metadata, plainToInstance is a copy onto `new type()`: do just that.
    const instance = plan.plainCopy ? Object.assign(new (type as new () => object)(), picked) : (plainToInstance(type, picked) as object);
    const details: Record<string, string[]> = {};
    missingRequired(plan, instance as Record<string, unknown>, '', details);
    const errors = await this.runner.validate(instance);
    flatten(errors, '', details);
    if (Object.keys(details).length) throw validationError(details);
    return instance;
  }
}

/** Marks every required property (at any depth) whose value is `undefined` or `null`. */
function missingRequired(plan: DtoPlan, value: Record<string, unknown>, prefix: string, out: Record<string, string[]>): void {
  for (const p of plan.properties) {
    const path = prefix + p.name;
    const v = value[p.name];
    if (v === undefined || v === null) {
      if (!p.optional && !p.conditional) out[path] = [REQUIRED_MESSAGE];
      continue;
    }
    if (!p.nested || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (item !== null && typeof item === 'object' && !Array.isArray(item)) missingRequired(p.nested!, item as Record<string, unknown>, `${path}.${i}.`, out);
      });
    } else {
      missingRequired(p.nested, v as Record<string, unknown>, `${path}.`, out);
    }
  }
}

/**
 * class-validator's errors as `details`: dotted paths, a field already marked
 * required keeps that one message, and a failed type constraint hides the
 * field's other messages.
 */
function flatten(errors: ValidationError[], prefix: string, out: Record<string, string[]>): void {
  for (const e of errors) {
    const path = prefix + e.property;
    if (out[path]?.[0] === REQUIRED_MESSAGE) continue;
    if (e.constraints) {
      const failed = Object.entries(e.constraints);
      const typeErrors = failed.filter(([name]) => TYPE_CONSTRAINTS.has(name));
      const messages = e.value === undefined || e.value === null ? [REQUIRED_MESSAGE] : (typeErrors.length ? typeErrors : failed).map(([, message]) => message);
      out[path] = [...(out[path] ?? []), ...messages];
    }
    if (e.children?.length) flatten(e.children, `${path}.`, out);
  }
}

import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { notAnObject, validationError } from '../protocol/wire-errors.js';
import { isPlainObject, pickAndCoerce } from './coerce.js';
import { dtoPlan, type DtoPlan } from './dto-plan.js';

/** The message for a missing required field (the seed's wording). */
export const REQUIRED_MESSAGE = 'This field is required.';

/**
 * Coerces and validates handler params against a DTO class, identically for
 * both transports. Plans are computed once per DTO (`prepare` at bootstrap).
 */
export class DtoValidator {
  private readonly plans = new Map<Type, DtoPlan>();

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
    const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: false, forbidUnknownValues: false });
    if (errors.length) {
      const details: Record<string, string[]> = {};
      flatten(errors, '', details);
      throw validationError(details);
    }
    return instance;
  }
}

function flatten(errors: ValidationError[], prefix: string, out: Record<string, string[]>): void {
  for (const e of errors) {
    const path = prefix + e.property;
    if (e.constraints) {
      const messages = e.value === undefined ? [REQUIRED_MESSAGE] : Object.values(e.constraints);
      out[path] = [...(out[path] ?? []), ...messages];
    }
    if (e.children?.length) flatten(e.children, `${path}.`, out);
  }
}

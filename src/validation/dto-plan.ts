import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { findTransformerType, hasTransformerMetadata } from './class-transformer.metadata.js';

/** How one DTO property is coerced before validation. */
export interface PropertyPlan {
  readonly name: string;
  /** `@IsOptional()`: `undefined` and `null` mean "absent". */
  readonly optional: boolean;
  /** `@ValidateIf()`: class-validator decides when it is validated, so the library adds no "required" check. */
  readonly conditional: boolean;
  /**
   * String input converted before validation: `'integer'` (`@IsInt`) takes an
   * integer literal (`"42"`, `"-7"`), `'number'` any decimal (`"2.5"`, `"1e3"`),
   * `'boolean'` `"true"`/`"1"`/`"false"`/`"0"`.
   */
  readonly coerce: 'integer' | 'number' | 'boolean' | undefined;
  /** Coercion applies to each element of an array value. */
  readonly each: boolean;
  /** The nested DTO's plan, for `@ValidateNested()` + `@Type()` properties. */
  readonly nested: DtoPlan | undefined;
}

/** Everything needed to coerce a DTO, computed once per DTO class. */
export interface DtoPlan {
  readonly type: Type;
  readonly properties: readonly PropertyPlan[];
  readonly byName: ReadonlyMap<string, PropertyPlan>;
  /** No class-transformer metadata and no nested DTO: an instance is `new type()` plus the picked values. */
  plainCopy: boolean;
}

const NUMERIC = new Set(['isInt', 'isNumber', 'isPositive', 'isNegative', 'min', 'max', 'isDivisibleBy']);
const BOOLEAN = new Set(['isBoolean']);

/**
 * Builds (and caches) the coercion plan of a DTO class from its class-validator
 * metadata: which properties exist, which are optional, which take numbers or
 * booleans, which are nested DTOs. Read once; never per request.
 */
export function dtoPlan(type: Type, cache = new Map<Type, DtoPlan>()): DtoPlan {
  const cached = cache.get(type);
  if (cached) return cached;
  const properties: PropertyPlan[] = [];
  const byName = new Map<string, PropertyPlan>();
  const plan: DtoPlan = { type, properties, byName, plainCopy: false };
  cache.set(type, plan);
  const metas = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
  const grouped = new Map<string, typeof metas>();
  for (const m of metas) {
    const list = grouped.get(m.propertyName) ?? [];
    list.push(m);
    grouped.set(m.propertyName, list);
  }
  for (const [name, list] of grouped) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
    const optional = list.some((m) => m.name === 'isOptional');
    const conditional = list.some((m) => m.type === 'conditionalValidation' && m.name !== 'isOptional');
    let coerce: PropertyPlan['coerce'];
    let each = false;
    for (const m of list) {
      const key = m.name ?? m.type;
      if (NUMERIC.has(key) || BOOLEAN.has(key)) {
        const kind = BOOLEAN.has(key) ? 'boolean' : key === 'isInt' ? 'integer' : 'number';
        if (coerce !== 'integer' && coerce !== 'boolean') coerce = kind;
        each = each || m.each === true;
      }
    }
    if (!coerce) {
      const designType = Reflect.getMetadata('design:type', type.prototype, name);
      if (designType === Number) coerce = 'number';
      else if (designType === Boolean) coerce = 'boolean';
    }
    let nested: DtoPlan | undefined;
    if (list.some((m) => m.type === 'nestedValidation')) {
      const typeMeta = findTransformerType(type, name);
      const nestedType = (typeMeta?.typeFunction?.() ?? Reflect.getMetadata('design:type', type.prototype, name)) as Type | undefined;
      if (typeof nestedType === 'function' && nestedType !== Object && nestedType !== Array) nested = dtoPlan(nestedType, cache);
    }
    const p: PropertyPlan = { name, optional, conditional, coerce, each, nested };
    properties.push(p);
    byName.set(name, p);
  }
  plan.plainCopy = properties.every((p) => !p.nested) && !hasTransformerMetadata(type, properties.map((p) => p.name));
  return plan;
}

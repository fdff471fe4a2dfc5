import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  Contains,
  getMetadataStorage,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  validate,
  ValidatorConstraint,
  type ValidationError,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ClassValidatorRunner } from '../../src/validation/class-validator.runner.js';
import * as core from './core.fixture.js';
import * as parity from '../parity/parity.fixture.js';
import * as contract from '../contract/contract.fixture.js';
import * as openapi from '../openapi/fixtures/djust-views.fixture.js';
import * as mcp from '../mcp/mcp.fixture.js';
import * as gateway from '../gateway/gateway.fixture.js';

// `ClassValidatorRunner` (what DtoValidator validates with) must answer exactly what class-validator's own
// `validate()` answers, with the options djust uses: same errors (properties, values, constraints and their
// messages, contexts, children, order) and the same whitelisting of the instance. Checked on every DTO class
// of the test fixtures and on classes below that reach the rest of class-validator (inheritance, @ValidateIf,
// custom and async constraints, `each`, contexts, message functions), over generated inputs.

const OPTIONS = { whitelist: true, forbidNonWhitelisted: false, forbidUnknownValues: false } as const;

@ValidatorConstraint({ name: 'evenNumber' })
class EvenConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
  defaultMessage(): string {
    return '$property must be even';
  }
}

@ValidatorConstraint({ name: 'slowUnique', async: true })
class SlowUniqueConstraint implements ValidatorConstraintInterface {
  async validate(value: unknown): Promise<boolean> {
    await Promise.resolve();
    return value !== 'taken';
  }
  defaultMessage(): string {
    return '$value is taken';
  }
}

@ValidatorConstraint({ name: 'upperCase' })
class UpperCaseConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && value === value.toUpperCase();
  }
}

/** Flat: built-in decorators (generated constraint classes) and an app constraint class. */
class FlatAppConstraintDto {
  @IsInt() @Min(1) n!: number;
  @IsString() @Validate(UpperCaseConstraint) code!: string;
}

class BaseEntityDto {
  @IsInt() @Min(1) id!: number;
  @IsOptional() @IsString() @MaxLength(5, { context: { code: 'short' } }) label?: string;
}

class DerivedDto extends BaseEntityDto {
  @IsString() @Contains('x', { message: (a) => `${a.property} lacks x (got ${String(a.value)})` }) code!: string;
  @IsOptional() @MaxLength(3) override label?: string;
}

class ConditionalDto {
  @IsIn(['card', 'cash']) method!: string;
  @ValidateIf((o: ConditionalDto) => o.method === 'card') @IsString() @MaxLength(4) pin!: string;
  @Validate(EvenConstraint) @Max(100) even!: number;
  @IsOptional() @Validate(SlowUniqueConstraint) name?: string;
}

class TagDto {
  @IsString({ each: true }) @MaxLength(3, { each: true }) @ArrayNotEmpty() tags!: string[];
  @IsOptional() @IsPositive({ each: true }) scores?: number[];
  @IsOptional() @IsEmail() email?: string;
}

class DeepDto {
  @ValidateNested() @Type(() => DerivedDto) entity!: DerivedDto;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => TagDto) tagged?: TagDto[];
}

/** Flat (the runner's shorter path): message functions and tokens, custom constraints, conditions. */
class FlatMessagesDto {
  @IsString() @Contains('x', { message: (a) => `${a.property} of ${a.targetName} lacks x (got ${String(a.value)})` }) code!: string;
  @Validate(EvenConstraint, { message: '$property=$value must be even ($constraint1)' }) @Min(-10) n!: number;
  @ValidateIf((o: FlatMessagesDto) => o.code !== 'skip') @IsOptional() @IsIn([1, 2, 3]) pick?: number;
  @IsOptional() @Validate(SlowUniqueConstraint) name?: string;
}

const LOCAL = { BaseEntityDto, DerivedDto, ConditionalDto, TagDto, DeepDto, FlatMessagesDto };

/** Every exported class of the fixtures that class-validator has metadata for. */
function dtoClasses(): [string, Function][] {
  const found = new Map<Function, string>();
  for (const [origin, exports] of Object.entries({ core, parity, contract, openapi, mcp, gateway, local: LOCAL })) {
    for (const [name, value] of Object.entries(exports as Record<string, unknown>)) {
      if (typeof value !== 'function' || found.has(value)) continue;
      if (getMetadataStorage().getTargetValidationMetadatas(value, '', false, false).length > 0) found.set(value, `${origin}.${name}`);
    }
  }
  return [...found].map(([cls, name]) => [name, cls]);
}

/** The property names class-validator knows for a class. */
function propertiesOf(cls: Function): string[] {
  return [...new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false).map((m) => m.propertyName))];
}

/** JSON-ish values, biased to what DTO constraints look at; objects use the class's own property names. */
function valueArb(names: readonly string[]): fc.Arbitrary<unknown> {
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(null, undefined, true, false, 0, 1, 2, -1, -12, 4.5, 1e21, '', 'x', 'skip', 'taken', 'card', 'cash', 'air', 'a@b.co', 'abcdef'),
      fc.integer({ min: -200, max: 200 }),
      fc.string({ maxLength: 8 }),
      fc.array(tie('tree'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...names, 'extra', 'id', 'code', 'tags'), tie('tree'), { maxKeys: 4, noNullPrototype: true }),
    ),
  }));
  return tree;
}

/** A value, comparable by `deepStrictEqual` (an invalid Date is not equal to itself there): class names kept. */
function normalize(value: unknown): unknown {
  if (value instanceof Date) return `Date(${String(value.getTime())})`;
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { '<class>': value.constructor?.name };
  for (const [key, v] of Object.entries(value)) out[key] = normalize(v);
  return out;
}

/** An error tree without `target` (the validated object itself: two instances are compared). */
function shape(errors: ValidationError[]): unknown {
  return errors.map((e) => ({
    property: e.property,
    value: normalize(e.value),
    constraints: e.constraints,
    contexts: e.contexts,
    children: e.children ? shape(e.children) : e.children,
  }));
}

async function both(cls: Function, runner: ClassValidatorRunner, input: unknown): Promise<void> {
  const a = plainToInstance(cls as new () => object, input) as object;
  const b = plainToInstance(cls as new () => object, input) as object;
  const expected = await validate(a, OPTIONS);
  const actual = await runner.validate(b);
  assert.deepStrictEqual(shape(actual), shape(expected));
  assert.deepStrictEqual(normalize(b), normalize(a), 'the same properties are whitelisted');
}

describe('ClassValidatorRunner answers what class-validator validate() answers', () => {
  const runner = new ClassValidatorRunner(OPTIONS);

  it('uses the remembered per-class metadata with this class-validator, and the flat path for flat classes only', () => {
    assert.equal(runner.cached, true);
    for (const cls of [core.UpdateStatusDto, core.RefundDto, core.FlagDto, ConditionalDto, FlatMessagesDto]) assert.equal(runner.isFlat(cls), true, cls.name);
    for (const cls of [core.CartDto, BaseEntityDto, TagDto, DeepDto]) assert.equal(runner.isFlat(cls), false, cls.name);
  });

  for (const [name, cls] of dtoClasses()) {
    it(`${name}: generated inputs`, async () => {
      const names = propertiesOf(cls);
      const input = fc.dictionary(fc.constantFrom(...names, 'extra'), valueArb(names), { maxKeys: names.length + 1, noNullPrototype: true });
      await fc.assert(fc.asyncProperty(input, (plain) => both(cls, runner, plain)), { numRuns: 150, seed: 18 });
    });
  }

  it('finds the DTO classes of the fixtures', () => {
    assert.ok(dtoClasses().length >= 25, `only ${dtoClasses().length} classes`);
  });
});

describe('ClassValidatorRunner notices metadata added after a class was validated', () => {
  it('a decorator applied later to the class itself', async () => {
    const runner = new ClassValidatorRunner(OPTIONS);
    class LateDto {
      @IsInt() a!: number;
      b!: string;
    }
    const input = { a: 1, b: 3 };
    assert.deepEqual(shape(await runner.validate(plainToInstance(LateDto, input))), []);
    IsString()(LateDto.prototype, 'b');
    const expected = await validate(plainToInstance(LateDto, input), OPTIONS);
    assert.equal(expected.length, 1);
    assert.deepStrictEqual(shape(await runner.validate(plainToInstance(LateDto, input))), shape(expected));
  });

  it('an ancestor that gets its first decorator later', async () => {
    const runner = new ClassValidatorRunner(OPTIONS);
    class PlainBase {
      base!: number;
    }
    class ChildDto extends PlainBase {
      @IsString() name!: string;
    }
    const input = { name: 'n', base: 'not a number' };
    assert.deepEqual(shape(await runner.validate(plainToInstance(ChildDto, input))), []);
    IsInt()(PlainBase.prototype, 'base');
    const expected = await validate(plainToInstance(ChildDto, input), OPTIONS);
    assert.equal(expected.length, 1);
    assert.deepStrictEqual(shape(await runner.validate(plainToInstance(ChildDto, input))), shape(expected));
  });

  it('a class whose prototype chain changed', async () => {
    const runner = new ClassValidatorRunner(OPTIONS);
    class LeftBase {
      @IsInt() side!: number;
    }
    class RightBase {
      @IsString() side!: string;
    }
    class MovingDto extends LeftBase {}
    const input = { side: 3 };
    assert.deepEqual(shape(await runner.validate(plainToInstance(MovingDto, input))), []);
    Object.setPrototypeOf(MovingDto.prototype, RightBase.prototype);
    const expected = await validate(plainToInstance(MovingDto, input), OPTIONS);
    assert.equal(expected.length, 1);
    assert.deepStrictEqual(shape(await runner.validate(plainToInstance(MovingDto, input))), shape(expected));
  });
});

describe('ClassValidatorRunner looks a class up in the storage once', () => {
  it('whatever the number of DTO classes, repeated calls do not ask the storage again', async () => {
    for (let i = 0; i < 200; i++) {
      const Generated = class {
        n!: number;
      };
      IsInt()(Generated.prototype, 'n');
    }
    const runner = new ClassValidatorRunner(OPTIONS);
    const storage = getMetadataStorage();
    const original = storage.getTargetValidationMetadatas;
    let lookups = 0;
    storage.getTargetValidationMetadatas = function (this: typeof storage, ...args: Parameters<typeof original>) {
      lookups++;
      return original.apply(this, args);
    };
    try {
      for (let i = 0; i < 50; i++) await runner.validate(plainToInstance(DeepDto, { entity: { id: 1, code: 'x' }, tagged: [{ tags: ['a'] }] }));
    } finally {
      storage.getTargetValidationMetadatas = original;
    }
    assert.equal(lookups, 3, 'DeepDto, DerivedDto, TagDto: once each');
  });
});

describe('ClassValidatorRunner asks the container once per generated constraint class', () => {
  it("a built-in decorator's constraint class is class-validator's generated CustomConstraint (fails loudly if class-validator changes)", () => {
    const Probe = class {
      n!: number;
    };
    IsInt()(Probe.prototype, 'n');
    const [metadata] = getMetadataStorage().getTargetValidationMetadatas(Probe, '', true, false);
    assert.equal((metadata.constraintCls as { name?: string }).name, 'CustomConstraint');
  });

  it('the instance of a generated constraint class is fetched once; an app constraint class is asked for every time', async () => {
    const runner = new ClassValidatorRunner(OPTIONS);
    const storage = getMetadataStorage();
    assert.ok(runner.isFlat(FlatAppConstraintDto));
    await runner.validate(plainToInstance(FlatAppConstraintDto, { n: 3, code: 'OK' })); // instances of the generated classes fetched here
    const fetched = new Map<string, number>();
    let failed: ValidationError[] | undefined;
    const constraints = storage.getTargetValidationMetadatas(FlatAppConstraintDto, '', true, false).flatMap((m) => storage.getTargetValidatorConstraints(m.constraintCls));
    const instanceGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(constraints[0]), 'instance')!.get!;
    for (const constraint of constraints) {
      const name = (constraint.target as { name: string }).name;
      Object.defineProperty(constraint, 'instance', {
        configurable: true,
        get() {
          fetched.set(name, (fetched.get(name) ?? 0) + 1);
          return instanceGetter.call(constraint);
        },
      });
    }
    try {
      for (let i = 0; i < 10; i++) assert.deepEqual(await runner.validate(plainToInstance(FlatAppConstraintDto, { n: 3, code: 'OK' })), []);
      failed = await runner.validate(plainToInstance(FlatAppConstraintDto, { n: 3, code: 'lower' }));
    } finally {
      for (const constraint of constraints) delete (constraint as { instance?: unknown }).instance;
    }
    assert.deepEqual(failed?.[0]?.constraints, (await validate(plainToInstance(FlatAppConstraintDto, { n: 3, code: 'lower' }), OPTIONS))[0].constraints);
    assert.equal(fetched.get('CustomConstraint'), undefined, 'generated classes: not asked again');
    assert.equal(fetched.get('UpperCaseConstraint'), 12, "the app's own class: asked on every call (and for the failure's message)");
  });
});

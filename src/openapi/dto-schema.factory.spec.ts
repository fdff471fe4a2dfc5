import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDate,
  IsDateString,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DtoSchemaFactory } from './dto-schema.factory.js';
import { makeNullable } from './json-schema.util.js';
import type { JsonSchema } from './openapi.types.js';

function schemaOf(dto: Function, factory = new DtoSchemaFactory()): { schema: JsonSchema; factory: DtoSchemaFactory } {
  const name = factory.register(dto);
  return { schema: factory.schemas.get(name)!, factory };
}

enum Color {
  Red = 'red',
  Blue = 'blue',
}
enum Level {
  Low,
  High,
}

class ChildDto {
  @IsString() name!: string;
}

class RowsDto {
  @IsInt() int!: number;
  @IsNumber() num!: number;
  @IsBoolean() bool!: boolean;
  @IsString() str!: string;
  @IsUUID() uuid!: string;
  @IsEmail() email!: string;
  @IsDate() @Type(() => Date) date!: Date;
  @IsDateString() dateString!: string;
  @IsEnum(Color) color!: Color;
  @IsEnum(Level) level!: Level;
  @IsIn([1, 2, 3]) small!: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ChildDto) children!: ChildDto[];
  @ValidateNested() @Type(() => ChildDto) child!: ChildDto;
  @IsInt() @Min(1) @Max(9) ranged!: number;
  @IsString() @Length(2, 4) len!: string;
  @MinLength(1) @MaxLength(3) short!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2) @IsInt({ each: true }) ints!: number[];
  @Matches(/^a+$/) pattern!: string;
  @IsOptional() @IsString() maybe?: string;
  @IsPositive() positive!: number;
  @IsUrl() url!: string;
}

describe('DtoSchemaFactory — class-validator table', () => {
  const { schema } = schemaOf(RowsDto);
  const p = schema.properties!;

  it('maps type validators', () => {
    assert.deepEqual(p.int, { type: 'integer' });
    assert.deepEqual(p.num, { type: 'number' });
    assert.deepEqual(p.bool, { type: 'boolean' });
    assert.deepEqual(p.str, { type: 'string' });
  });

  it('maps string formats', () => {
    assert.deepEqual(p.uuid, { type: 'string', format: 'uuid' });
    assert.deepEqual(p.email, { type: 'string', format: 'email' });
    assert.deepEqual(p.date, { type: 'string', format: 'date-time' });
    assert.deepEqual(p.dateString, { type: 'string', format: 'date-time' });
    assert.deepEqual(p.url, { type: 'string', format: 'uri' });
  });

  it('maps enums (string, numeric without reverse keys, IsIn)', () => {
    assert.deepEqual(p.color, { type: 'string', enum: ['red', 'blue'] });
    assert.deepEqual(p.level, { type: 'integer', enum: [0, 1] });
    assert.deepEqual(p.small, { type: 'integer', enum: [1, 2, 3] });
  });

  it('maps nested DTOs and arrays of them to $ref', () => {
    assert.deepEqual(p.children, { type: 'array', items: { $ref: '#/components/schemas/ChildDto' } });
    assert.deepEqual(p.child, { $ref: '#/components/schemas/ChildDto' });
  });

  it('maps numeric, length, array-size and pattern constraints', () => {
    assert.deepEqual(p.ranged, { type: 'integer', minimum: 1, maximum: 9 });
    assert.deepEqual(p.len, { type: 'string', minLength: 2, maxLength: 4 });
    assert.deepEqual(p.short, { type: 'string', minLength: 1, maxLength: 3 });
    assert.deepEqual(p.ints, { type: 'array', minItems: 1, maxItems: 2, items: { type: 'integer' } });
    assert.deepEqual(p.pattern, { type: 'string', pattern: '^a+$' });
    assert.deepEqual(p.positive, { type: 'number', exclusiveMinimum: 0 });
  });

  it('IsOptional → not required and nullable the 2020-12 way', () => {
    assert.deepEqual(p.maybe, { type: ['string', 'null'] });
    assert.equal(schema.required!.includes('maybe'), false);
    // `child` has only @ValidateNested: plain class-validator would let `undefined` through, but SPEC
    // ("Required means not @IsOptional()") makes it required, in validation and in the schema alike.
    assert.ok(schema.required!.includes('child'));
    assert.ok(schema.required!.includes('int'));
  });

  it('never emits nullable: true', () => {
    assert.equal(JSON.stringify(schema).includes('nullable'), false);
  });
});

describe('DtoSchemaFactory — @ApiProperty', () => {
  class ApiDto {
    @ApiProperty({ description: 'How many', example: 3, minimum: 2 }) @IsInt() count!: number;
    @ApiProperty({ type: 'string', format: 'binary' }) @Allow() file!: unknown;
    @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsInt() opt?: number | null;
    @ApiProperty({ enum: Color, enumName: 'Color' }) @IsEnum(Color) color!: Color;
    @ApiProperty({ enum: Color, enumName: 'Color', isArray: true }) @IsEnum(Color, { each: true }) colors!: Color[];
    @ApiProperty({ enum: Color, isArray: true }) @IsEnum(Color, { each: true }) shades!: Color[];
    @ApiProperty({ type: [ChildDto] }) @IsArray() @ValidateNested({ each: true }) @Type(() => ChildDto) kids!: ChildDto[];
    @ApiProperty({ type: () => ChildDto }) @ValidateNested() @Type(() => ChildDto) lazy!: ChildDto;
    @ApiProperty({ required: true }) @IsOptional() @IsString() forced?: string;
    @ApiProperty({ required: false }) @IsString() notReally!: string;
  }
  const { schema, factory } = schemaOf(ApiDto);
  const p = schema.properties!;

  it('adds description, examples and constraints; keeps the validator type (IsInt beats design-type Number)', () => {
    assert.deepEqual(p.count, { type: 'integer', description: 'How many', minimum: 2, examples: [3] });
  });

  it('honours an explicit type override', () => {
    assert.deepEqual(p.file, { type: 'string', format: 'binary' });
  });

  it('honours nullable and optional', () => {
    assert.deepEqual(p.opt, { type: ['integer', 'null'] });
    assert.equal(schema.required!.includes('opt'), false);
  });

  it('creates a named enum component for enumName (scalar and array)', () => {
    assert.deepEqual(p.color, { $ref: '#/components/schemas/Color' });
    assert.deepEqual(p.colors, { type: 'array', items: { $ref: '#/components/schemas/Color' } });
    assert.deepEqual(factory.schemas.get('Color'), { type: 'string', enum: ['red', 'blue'] });
  });

  it('maps enum arrays and class arrays', () => {
    assert.deepEqual(p.shades, { type: 'array', items: { type: 'string', enum: ['red', 'blue'] } });
    assert.deepEqual(p.kids, { type: 'array', items: { $ref: '#/components/schemas/ChildDto' } });
  });

  it('resolves a lazy type thunk', () => {
    assert.deepEqual(p.lazy, { $ref: '#/components/schemas/ChildDto' });
  });

  it('required: true forces required; required: false cannot un-require a validated field (warned)', () => {
    assert.ok(schema.required!.includes('forced'));
    assert.ok(schema.required!.includes('notReally'));
    assert.ok(factory.warnings.some((w) => w.property === 'notReally' && /required: false/.test(w.reason)));
  });
});

describe('DtoSchemaFactory — what cannot be mapped', () => {
  it('leaves a property without type information as {} and warns (never silently string)', () => {
    class Loose {
      @IsOptional() anything?: any;
    }
    const { schema, factory } = schemaOf(Loose);
    assert.deepEqual(schema.properties!.anything, {});
    assert.deepEqual(factory.warnings.map((w) => [w.schema, w.property]), [['Loose', 'anything']]);
  });

  it('warns about an unknown custom validator and a case-insensitive pattern', () => {
    class Custom {
      @IsString() @ValidateBy({ name: 'isShouting', validator: { validate: (v) => v === String(v).toUpperCase() } }) shout!: string;
      @Matches(/^abc$/i) ci!: string;
    }
    const { schema, factory } = schemaOf(Custom);
    assert.deepEqual(schema.properties!.shout, { type: 'string' });
    assert.deepEqual(schema.properties!.ci, { type: 'string' });
    assert.equal(factory.warnings.length, 2);
    assert.match(factory.warnings[0].reason, /isShouting/);
    assert.match(factory.warnings[1].reason, /flag/);
  });

  it('warns about array items without a type', () => {
    class Arr {
      @IsArray() @ArrayNotEmpty() stuff!: unknown[];
    }
    const { schema, factory } = schemaOf(Arr);
    assert.deepEqual(schema.properties!.stuff, { type: 'array', minItems: 1, items: {} });
    assert.match(factory.warnings[0].reason, /items/);
  });

  it('documents @ValidateIf as optional, with a warning', () => {
    class Conditional {
      @IsBoolean() flag!: boolean;
      @ValidateIf((o: Conditional) => o.flag) @IsString() reason?: string;
    }
    const { schema, factory } = schemaOf(Conditional);
    assert.deepEqual(schema.required, ['flag']);
    assert.match(factory.warnings[0].reason, /ValidateIf/);
  });

  it('leaves @ApiProperty-only properties out (the pipeline drops them) and warns', () => {
    class SwaggerOnly {
      @IsString() kept!: string;
      @ApiProperty() dropped?: string;
    }
    const { schema, factory } = schemaOf(SwaggerOnly);
    assert.deepEqual(Object.keys(schema.properties!), ['kept']);
    assert.equal(factory.warnings[0].property, 'dropped');
  });
});

describe('DtoSchemaFactory — components', () => {
  it('names two different classes with one name deterministically', () => {
    const A = (() => {
      class Same {
        @IsString() a!: string;
      }
      return Same;
    })();
    const B = (() => {
      class Same {
        @IsInt() b!: number;
      }
      return Same;
    })();
    const factory = new DtoSchemaFactory();
    assert.equal(factory.register(A), 'Same');
    assert.equal(factory.register(B), 'Same_2');
    assert.equal(factory.register(A), 'Same');
  });

  it('avoids reserved names', () => {
    class DjustSuccess {
      @IsString() x!: string;
    }
    assert.equal(new DtoSchemaFactory({ reservedNames: ['DjustSuccess'] }).register(DjustSuccess), 'DjustSuccess_2');
  });

  it('handles self-referencing DTOs', () => {
    class TreeDto {
      @IsString() label!: string;
      @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => TreeDto) children?: TreeDto[];
    }
    const { schema } = schemaOf(TreeDto);
    assert.deepEqual(schema.properties!.children, { type: ['array', 'null'], items: { $ref: '#/components/schemas/TreeDto' } });
  });

  it('includes inherited properties, base class first', () => {
    class Base {
      @IsInt() id!: number;
    }
    class Derived extends Base {
      @IsString() name!: string;
    }
    const { schema } = schemaOf(Derived);
    assert.deepEqual(Object.keys(schema.properties!), ['id', 'name']);
    assert.deepEqual(schema.required, ['id', 'name']);
  });

  it('reports hasRequiredProperties', () => {
    class AllOptional {
      @IsOptional() @IsString() a?: string;
    }
    const factory = new DtoSchemaFactory();
    assert.equal(factory.hasRequiredProperties(AllOptional), false);
    assert.equal(factory.hasRequiredProperties(ChildDto), true);
  });
});

describe('makeNullable', () => {
  it('adds null to type, enum, and wraps refs in anyOf', () => {
    assert.deepEqual(makeNullable({ type: 'integer' }), { type: ['integer', 'null'] });
    assert.deepEqual(makeNullable({ type: 'string', enum: ['a'] }), { type: ['string', 'null'], enum: ['a', null] });
    assert.deepEqual(makeNullable({ $ref: '#/x', description: 'd' }), { description: 'd', anyOf: [{ $ref: '#/x' }, { type: 'null' }] });
    assert.deepEqual(makeNullable({}), {});
  });
});

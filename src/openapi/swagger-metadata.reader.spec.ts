import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiProperty, ApiPropertyOptional, ApiSchema, DECORATORS } from '@nestjs/swagger';
import { IsInt, IsString } from 'class-validator';
import { DtoSchemaFactory } from './dto-schema.factory.js';
import { readApiProperty, readApiPropertyNames, readApiSchema, SWAGGER_METADATA_KEYS } from './swagger-metadata.reader.js';

// The reader spells swagger's metadata keys out (swagger is an optional peer, never imported at run time).
// Everything below applies the real decorators of the installed @nestjs/swagger: if one of these tests
// fails, swagger changed how it stores its metadata and swagger-metadata.reader.ts must follow.
const CHANGED = '@nestjs/swagger changed how it stores decorator metadata: update src/openapi/swagger-metadata.reader.ts';

class ChildDto {
  @ApiProperty() @IsString() name!: string;
}

enum Shade {
  Light = 'light',
  Dark = 'dark',
}

class BaseDto {
  @ApiProperty({ description: 'from the base' }) @IsInt() id!: number;
}

class DerivedDto extends BaseDto {
  @ApiProperty({ description: 'Quantity', example: 3, minimum: 1 }) @IsInt() qty!: number;
  @ApiPropertyOptional({ enum: Shade, enumName: 'Shade' }) shade?: Shade;
  @ApiProperty({ type: () => ChildDto, isArray: true }) children!: ChildDto[];
  @ApiProperty() plain!: string;
}

@ApiSchema({ name: 'Renamed', description: 'Described by @ApiSchema' })
class NamedDto {
  @IsString() a!: string;
}

@ApiSchema({ name: 'First' })
@ApiSchema({ name: 'Last', description: 'the decorator nearest the class runs first; swagger reads the last stored' })
class TwiceNamedDto {
  @IsString() b!: string;
}

class InheritsNameDto extends NamedDto {}

describe('swagger metadata reader (the real @nestjs/swagger decorators)', () => {
  it('spells the keys exactly as swagger\'s DECORATORS constant', () => {
    assert.equal(SWAGGER_METADATA_KEYS.API_MODEL_PROPERTIES, DECORATORS.API_MODEL_PROPERTIES, CHANGED);
    assert.equal(SWAGGER_METADATA_KEYS.API_MODEL_PROPERTIES_ARRAY, DECORATORS.API_MODEL_PROPERTIES_ARRAY, CHANGED);
    assert.equal(SWAGGER_METADATA_KEYS.API_SCHEMA, DECORATORS.API_SCHEMA, CHANGED);
  });

  it('reads @ApiProperty options, with the design type as `type` when none is given', () => {
    const qty = readApiProperty(DerivedDto, 'qty');
    assert.ok(qty, CHANGED);
    assert.equal(qty.description, 'Quantity', CHANGED);
    assert.equal(qty.example, 3, CHANGED);
    assert.equal(qty.minimum, 1, CHANGED);
    assert.equal(qty.type, Number, CHANGED);
    assert.equal(readApiProperty(DerivedDto, 'plain')?.type, String, CHANGED);
  });

  it('reads @ApiPropertyOptional as required: false, and enum values with their enumName', () => {
    const shade = readApiProperty(DerivedDto, 'shade');
    assert.equal(shade?.required, false, CHANGED);
    assert.deepEqual(shade?.enum, ['light', 'dark'], CHANGED);
    assert.equal(shade?.enumName, 'Shade', CHANGED);
  });

  it('keeps a lazy `type: () => Dto` and the isArray flag', () => {
    const children = readApiProperty(DerivedDto, 'children');
    assert.equal(typeof children?.type, 'function', CHANGED);
    assert.equal((children?.type as () => unknown)(), ChildDto, CHANGED);
    assert.equal(children?.isArray, true, CHANGED);
  });

  it('reads an inherited @ApiProperty on the subclass', () => {
    assert.equal(readApiProperty(DerivedDto, 'id')?.description, 'from the base', CHANGED);
    assert.equal(readApiProperty(BaseDto, 'qty'), undefined);
  });

  it('lists the @ApiProperty names, base class first, without swagger\'s ":" prefix', () => {
    assert.deepEqual(readApiPropertyNames(DerivedDto), ['id', 'qty', 'shade', 'children', 'plain'], CHANGED);
    assert.deepEqual(readApiPropertyNames(BaseDto), ['id'], CHANGED);
    assert.deepEqual(readApiPropertyNames(NamedDto), []);
  });

  it('reads @ApiSchema name and description; the last stored wins; never inherited (as swagger reads it)', () => {
    assert.deepEqual(readApiSchema(NamedDto), { name: 'Renamed', description: 'Described by @ApiSchema' }, CHANGED);
    assert.equal(readApiSchema(TwiceNamedDto)?.name, 'First', CHANGED);
    assert.equal(readApiSchema(InheritsNameDto), undefined, CHANGED);
    assert.equal(readApiSchema(ChildDto), undefined);
  });

  it('the DTO schema factory names and describes a component by @ApiSchema', () => {
    const factory = new DtoSchemaFactory();
    assert.equal(factory.register(NamedDto), 'Renamed');
    assert.equal(factory.schemas.get('Renamed')?.description, 'Described by @ApiSchema');
    assert.equal(factory.register(InheritsNameDto), 'InheritsNameDto');
  });
});

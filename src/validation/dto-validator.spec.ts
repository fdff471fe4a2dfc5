import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { DjustException } from '../protocol/djust.exception.js';
import { DtoValidator } from './dto-validator.js';

class FlatDto {
  @IsInt() id!: number;
  @IsOptional() @IsString() note: string = 'default';
}

class TrimmedDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  name!: string;
}

class InnerDto {
  @IsInt() n!: number;
}

class OuterDto {
  @ValidateNested() @Type(() => InnerDto) inner!: InnerDto;
}

describe('DtoValidator', () => {
  const validator = new DtoValidator();

  it('builds flat DTOs without class-transformer: instance, defaults, coercion', async () => {
    assert.equal(validator.prepare(FlatDto).plainCopy, true);
    const dto = (await validator.validate(FlatDto, { id: '7' })) as FlatDto;
    assert.ok(dto instanceof FlatDto);
    assert.deepEqual({ ...dto }, { id: 7, note: 'default' });
  });

  it('keeps class-transformer for @Transform and nested @Type DTOs', async () => {
    assert.equal(validator.prepare(TrimmedDto).plainCopy, false);
    assert.equal(((await validator.validate(TrimmedDto, { name: '  ada ' })) as TrimmedDto).name, 'ada');
    assert.equal(validator.prepare(OuterDto).plainCopy, false);
    const outer = (await validator.validate(OuterDto, { inner: { n: '3' } })) as OuterDto;
    assert.ok(outer.inner instanceof InnerDto);
    await assert.rejects(validator.validate(OuterDto, { inner: { n: 'x' } }), (e: unknown) => e instanceof DjustException && 'inner.n' in e.details);
  });
});

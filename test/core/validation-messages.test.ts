import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { io, type Socket } from 'socket.io-client';
import { DjustModule, EventHandler, LiveView, LiveViewBase } from '../../src/index.js';
import { ADAPTERS, bootApp, post, type RunningApp } from '../support/app.js';
import { TestTokenAuth, bearer } from '../support/token-auth.js';
import { checkedAck } from '../support/ws-ack.js';

// Validation messages and coercion, the same over HTTP and WS (both share
// src/validation): required means "not @IsOptional()" (nested DTOs and null
// included), a wrong type reports the type alone, @IsInt takes integer
// literals only, and null in an optional field is the field left out.

class AddressDto {
  @IsString() city!: string;
}

class ShipmentDto {
  @ValidateNested() @Type(() => AddressDto) address!: AddressDto;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) billing?: AddressDto;
}

class RatingDto {
  @IsInt() @Min(1) @Max(5) stars!: number;
  @IsOptional() @IsNumber() weight?: number;
  @IsOptional() @IsString() note: string = 'none';
}

@LiveView({ apiName: 'form' })
class FormView extends LiveViewBase {
  @EventHandler({ exposeApi: true })
  ship(dto: ShipmentDto) {
    return { city: dto.address.city, billing: dto.billing === undefined ? 'absent' : dto.billing };
  }

  @EventHandler({ exposeApi: true })
  rate(dto: RatingDto) {
    return { stars: dto.stars, weight: 'weight' in dto ? dto.weight : 'absent', note: dto.note };
  }
}

@Module({ imports: [DjustModule.forRoot({ authClasses: [TestTokenAuth] })], providers: [TestTokenAuth, FormView] })
class FormModule {}

const REQUIRED = ['This field is required.'];
const invalid = (details: Record<string, string[]>) => ({ status: 400, error: 'validation_error', details });
const ok = (result: unknown) => ({ status: 200, result });

/** One call and what both transports must answer. */
interface Case {
  readonly name: string;
  readonly handler: 'ship' | 'rate';
  readonly params: unknown;
  readonly expect: { status: number; error?: string; details?: Record<string, string[]>; result?: unknown };
}

const CASES: Case[] = [
  // Item 2: a missing @ValidateNested() object is required like any other field.
  { name: 'a missing nested DTO is required', handler: 'ship', params: {}, expect: invalid({ address: REQUIRED }) },
  { name: 'a missing field inside a nested DTO is required', handler: 'ship', params: { address: {} }, expect: invalid({ 'address.city': REQUIRED }) },
  { name: 'a nested DTO given is validated and passed', handler: 'ship', params: { address: { city: 'Lyon' } }, expect: ok({ city: 'Lyon', billing: 'absent' }) },
  { name: 'a nested DTO that is not an object reports its type only', handler: 'ship', params: { address: 'Lyon' }, expect: invalid({ address: ['nested property address must be either object or array'] }) },
  // Item 7: null for a required field.
  { name: 'null for a required nested DTO is "required"', handler: 'ship', params: { address: null }, expect: invalid({ address: REQUIRED }) },
  { name: 'null for a required integer is "required"', handler: 'rate', params: { stars: null }, expect: invalid({ stars: REQUIRED }) },
  // Item 7: a wrong type reports the type error alone.
  { name: 'a wrong type reports only the type error', handler: 'rate', params: { stars: 'abc' }, expect: invalid({ stars: ['stars must be an integer number'] }) },
  { name: 'a fraction for @IsInt reports only the type error', handler: 'rate', params: { stars: 7.5 }, expect: invalid({ stars: ['stars must be an integer number'] }) },
  { name: 'the right type out of bounds reports the bound', handler: 'rate', params: { stars: 9 }, expect: invalid({ stars: ['stars must not be greater than 5'] }) },
  { name: 'a wrong type beside a missing field: each its own message', handler: 'rate', params: { weight: 'heavy' }, expect: invalid({ stars: REQUIRED, weight: ['weight must be a number conforming to the specified constraints'] }) },
  // Item 7: @IsInt takes integer literals only; @IsNumber keeps decimals and exponents.
  { name: '"3" is the integer 3', handler: 'rate', params: { stars: '3' }, expect: ok({ stars: 3, weight: 'absent', note: 'none' }) },
  { name: '"3e0" is not an integer literal', handler: 'rate', params: { stars: '3e0' }, expect: invalid({ stars: ['stars must be an integer number'] }) },
  { name: '"3.0" is not an integer literal', handler: 'rate', params: { stars: '3.0' }, expect: invalid({ stars: ['stars must be an integer number'] }) },
  { name: '"-7" is an integer literal (then out of bounds)', handler: 'rate', params: { stars: '-7' }, expect: invalid({ stars: ['stars must not be less than 1'] }) },
  { name: '@IsNumber accepts decimal and exponent strings', handler: 'rate', params: { stars: 2, weight: '2.5e1' }, expect: ok({ stars: 2, weight: 25, note: 'none' }) },
  // Item 6: null in an optional field is the field left out (its default, or absent).
  { name: 'null in optional fields: the default, or absent', handler: 'rate', params: { stars: 2, weight: null, note: null }, expect: ok({ stars: 2, weight: 'absent', note: 'none' }) },
  { name: 'null for an optional nested DTO: absent', handler: 'ship', params: { address: { city: 'Lyon' }, billing: null }, expect: ok({ city: 'Lyon', billing: 'absent' }) },
];

/** An answer reduced to what the cases compare. */
function summary(status: number, body: any) {
  return status === 200 ? { status, result: body.result } : { status, error: body.error, details: body.details };
}

for (const adapter of ADAPTERS) {
  describe(`validation messages over HTTP and WS (${adapter})`, () => {
    let running: RunningApp;
    let socket: Socket;
    let ref: string;

    before(async () => {
      running = await bootApp(FormModule, adapter);
      socket = io(`${running.url}/djust`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: 'token-alice' } });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const mounted = await socket.timeout(5000).emitWithAck('mount', { view: 'form' });
      assert.equal(typeof mounted.ref, 'string', JSON.stringify(mounted));
      ref = mounted.ref;
    });
    after(async () => {
      socket.disconnect();
      await running.close();
    });

    for (const c of CASES) {
      it(`${c.name}: ${JSON.stringify(c.params)}`, async () => {
        const http = await post(`${running.url}/djust/api/form/${c.handler}/`, c.params, bearer('token-alice'));
        assert.deepEqual(summary(http.status, http.body), c.expect, `HTTP: ${http.text}`);
        const ack = checkedAck(await socket.timeout(5000).emitWithAck('event', { ref, handler: c.handler, params: c.params }));
        assert.deepEqual(summary(ack.status ?? 200, ack), c.expect, `WS: ${JSON.stringify(ack)}`);
      });
    }
  });
}

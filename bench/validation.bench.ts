/**
 * DTO validation cost vs the number of DTO classes in the app.
 *
 * `DtoValidator.validate` on the seed's small `UpdateStatusDto` (valid input),
 * in a fresh process per size: with that DTO the only class-validator class
 * (1), and with 999 more DTO classes generated at runtime (1,000), each with
 * class-validator decorators applied as functions, as a large app would have.
 * The validator prepares every class first, as the app does at bootstrap, and
 * validates each generated class once, as a running app has. Each
 * process warms up (20,000 calls or 1 s), then calls until BENCH_VALIDATION_CALLS
 * calls (default 200,000) or BENCH_VALIDATION_BUDGET_MS (default 3,000 ms), and
 * reports µs per call; the sizes alternate over BENCH_VALIDATION_ROUNDS rounds
 * (default 3) and the median is kept. Prints µs/call for both and the ratio
 * (1,000 ÷ 1), writes bench/results/validation.json. BENCH_VALIDATION_SIZES=1,10,100,1000
 * compares more sizes (the ratio is then the last ÷ the first).
 *
 * Run: node .build/bench/validation.bench.js
 */
import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { fileURLToPath } from 'node:url';
import { DtoValidator } from '../src/validation/dto-validator.js';
import { runScript, writeResult } from './bench-support.js';
import { UpdateStatusDto } from './servers/bench-domain.js';

/** The app sizes compared (BENCH_VALIDATION_SIZES, comma-separated; the first and the last make the ratio). */
const SIZES = (process.env.BENCH_VALIDATION_SIZES ?? '1,1000').split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 1);
const ROUNDS = Math.max(1, Number(process.env.BENCH_VALIDATION_ROUNDS ?? 3));
const CALLS = Number(process.env.BENCH_VALIDATION_CALLS ?? 200_000);
const BUDGET_MS = Number(process.env.BENCH_VALIDATION_BUDGET_MS ?? 3_000);
const WARMUP_CALLS = 20_000;
const WARMUP_MS = 1_000;

/** A DTO class `Generated<i>Dto` with four decorated properties (one optional). */
function generateDto(i: number): Type {
  const Dto = class {
    id!: number;
    name!: string;
    quantity!: number;
    active?: boolean;
  };
  Object.defineProperty(Dto, 'name', { value: `Generated${i}Dto` });
  const property = (name: string, designType: unknown, ...decorators: PropertyDecorator[]) => {
    Reflect.defineMetadata('design:type', designType, Dto.prototype, name);
    for (const decorate of decorators) decorate(Dto.prototype, name);
  };
  property('id', Number, IsInt());
  property('name', String, IsString(), MaxLength(100));
  property('quantity', Number, IsInt(), Min(0));
  property('active', Boolean, IsOptional(), IsBoolean());
  return Dto;
}

async function child(classes: number): Promise<void> {
  const validator = new DtoValidator();
  const extra = Array.from({ length: classes - 1 }, (_, i) => generateDto(i));
  for (const type of [UpdateStatusDto, ...extra]) validator.prepare(type);
  // A large app validates all its DTOs, not only the measured one: each class's constraints are in class-validator's container then.
  for (const type of extra) await validator.validate(type, { id: 1, name: 'x', quantity: 0 });
  const input = { order_id: 42, status: 'shipped' };
  const warmupEnd = performance.now() + WARMUP_MS;
  for (let i = 0; i < WARMUP_CALLS && ((i & 255) !== 0 || performance.now() < warmupEnd); i++) await validator.validate(UpdateStatusDto, input);
  const check = (await validator.validate(UpdateStatusDto, input)) as UpdateStatusDto;
  if (!(check instanceof UpdateStatusDto) || check.order_id !== 42) throw new Error('unexpected validation result');
  let calls = 0;
  const t0 = performance.now();
  const deadline = t0 + BUDGET_MS;
  for (; calls < CALLS; calls++) {
    await validator.validate(UpdateStatusDto, input);
    if ((calls & 1023) === 0 && performance.now() > deadline) break;
  }
  const ms = performance.now() - t0;
  process.stdout.write(`RESULT ${JSON.stringify({ classes, calls, usPerCall: (ms * 1000) / Math.max(1, calls) })}\n`);
}

async function parent(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const samples = new Map<number, { calls: number; usPerCall: number }[]>(SIZES.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const classes of round % 2 === 0 ? SIZES : [...SIZES].reverse()) {
      const { code, stdout } = await runScript(self, ['--child', String(classes)], {}, false);
      const line = /RESULT (.*)/.exec(stdout)?.[1];
      if (code !== 0 || !line) throw new Error(`validation child (${classes} classes) failed with code ${code}:\n${stdout}`);
      samples.get(classes)!.push(JSON.parse(line));
    }
  }
  const rows = SIZES.map((classes) => {
    const runs = samples.get(classes)!.sort((a, b) => a.usPerCall - b.usPerCall);
    const median = runs[Math.floor((runs.length - 1) / 2)];
    return { classes, usPerCall: Number(median.usPerCall.toFixed(2)), calls: median.calls, rounds: runs.map((r) => Number(r.usPerCall.toFixed(2))) };
  });
  const one = rows[0]!;
  const many = rows[rows.length - 1]!;
  const ratio = Number((many.usPerCall / one.usPerCall).toFixed(2));
  console.log(`DtoValidator.validate(UpdateStatusDto, valid input): median of ${ROUNDS} alternating processes per size`);
  console.table(rows.map((r) => ({ 'DTO classes': r.classes, 'µs/call': r.usPerCall, calls: r.calls, rounds: r.rounds.join(' / ') })));
  console.log(`ratio ${many.classes} classes ÷ ${one.classes} class${one.classes === 1 ? '' : 'es'}: ${ratio}`);
  const file = writeResult('validation', {
    bench: 'validation',
    date: new Date().toISOString(),
    node: process.version,
    load: { rounds: ROUNDS, maxCalls: CALLS, budgetMs: BUDGET_MS, warmupCalls: WARMUP_CALLS, warmupMs: WARMUP_MS },
    results: rows,
    summary: { fewest: { classes: one.classes, usPerCall: one.usPerCall }, most: { classes: many.classes, usPerCall: many.usPerCall }, ratio },
  });
  console.log(`wrote ${file}`);
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(Number(process.argv[at + 1]));
else await parent();

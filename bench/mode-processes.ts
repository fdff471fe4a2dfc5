import { runScript } from './bench-support.js';

/** How long and how much one measuring process runs. */
export interface CallBudget {
  /** Stop after this many measured calls... */
  readonly calls: number;
  /** ...or after this long, ms, whichever comes first. */
  readonly budgetMs: number;
  /** Unmeasured calls first, ms. */
  readonly warmupMs: number;
}

/**
 * Times `call`, one after another (each awaited): a warm-up, then up to
 * `budget.calls` calls or `budget.budgetMs`. Returns the calls made and µs per call.
 */
export async function timeCalls(call: () => Promise<unknown>, budget: CallBudget): Promise<{ calls: number; usPerCall: number }> {
  const warmupEnd = performance.now() + budget.warmupMs;
  while (performance.now() < warmupEnd) for (let i = 0; i < 64; i++) await call();
  let calls = 0;
  const t0 = performance.now();
  const deadline = t0 + budget.budgetMs;
  for (; calls < budget.calls; calls++) {
    await call();
    if ((calls & 255) === 0 && performance.now() > deadline) break;
  }
  return { calls, usPerCall: ((performance.now() - t0) * 1000) / Math.max(1, calls) };
}

/** What a measuring child prints for its parent: one `RESULT {json}` line. */
export function printResult(result: object): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

/**
 * Runs `node <script> --child <mode> ...args` once per mode and round, the
 * modes in alternating order from round to round (so a drift of the machine
 * does not favour one), and collects each child's `usPerCall`.
 */
export async function runModes<M extends string>(script: string, modes: readonly M[], rounds: number, args: string[] = []): Promise<Map<M, number[]>> {
  const samples = new Map<M, number[]>(modes.map((m) => [m, []]));
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
      const { code, stdout } = await runScript(script, ['--child', mode, ...args], {}, false);
      const line = /RESULT (.*)/.exec(stdout)?.[1];
      if (code !== 0 || !line) throw new Error(`${script} (${mode}) failed with code ${code}:\n${stdout}`);
      samples.get(mode)!.push((JSON.parse(line) as { usPerCall: number }).usPerCall);
    }
  }
  return samples;
}

/** The median (the lower one of an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
}

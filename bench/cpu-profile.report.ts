/**
 * Summarises V8 `.cpuprofile` files (from `node --cpu-prof`): the top functions
 * by self time, and self time grouped by package (`nestjs-djust src/…`, each
 * `node_modules` package, node internals, GC/idle).
 *
 * Run: node .build/bench/cpu-profile.report.js <file-or-directory>... [--top 30] [--skip-ms 2000]
 * (`--skip-ms`: ignore the first milliseconds of each profile: module loading and boot.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self time of one function (µs) and its share of the profile. */
export interface SelfTimeRow {
  fn: string;
  where: string;
  selfMs: number;
  percent: number;
}

/** Where a script URL belongs: `src/...`, a node_modules package name, or `node:`. */
export function packageOf(url: string): string {
  if (!url) return '(native / gc / idle)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return `nestjs-djust ${url.slice(src + 1).split('/').slice(0, 2).join('/')}`;
  const bench = url.indexOf('/bench/');
  if (bench >= 0) return 'bench';
  return url;
}

/** Self time per function and per package, from one or more profiles. */
export function summarise(profiles: CpuProfile[], skipMs = 0): { total: number; functions: SelfTimeRow[]; packages: { pkg: string; selfMs: number; percent: number }[] } {
  const byFn = new Map<string, { fn: string; where: string; us: number }>();
  const byPkg = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    let at = profile.startTime;
    const from = profile.startTime + skipMs * 1000;
    for (let i = 0; i < profile.samples.length; i++) {
      const node = nodes.get(profile.samples[i]);
      const dt = profile.timeDeltas[i] ?? 0;
      at += dt;
      if (!node || dt <= 0 || at < from) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = functionName || '(anonymous)';
      const file = url ? `${url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '')}:${lineNumber + 1}` : '';
      const key = `${name}@${file}`;
      const row = byFn.get(key) ?? { fn: name, where: file, us: 0 };
      row.us += dt;
      byFn.set(key, row);
      const pkg = name === '(idle)' ? '(idle)' : name === '(garbage collector)' ? '(garbage collector)' : packageOf(url);
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + dt);
      total += dt;
    }
  }
  const pct = (us: number) => Math.round((us / total) * 1000) / 10;
  return {
    total,
    functions: [...byFn.values()].sort((a, b) => b.us - a.us).map((r) => ({ fn: r.fn, where: r.where, selfMs: Math.round(r.us / 1000), percent: pct(r.us) })),
    packages: [...byPkg.entries()].sort((a, b) => b[1] - a[1]).map(([pkg, us]) => ({ pkg, selfMs: Math.round(us / 1000), percent: pct(us) })),
  };
}

function profileFiles(paths: string[]): string[] {
  return paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => join(p, f))
      : [p],
  );
}

const isMain = process.argv[1] && basename(process.argv[1]).startsWith('cpu-profile.report');
if (isMain) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 30;
  const skipAt = args.indexOf('--skip-ms');
  const skipMs = skipAt >= 0 ? Number(args.splice(skipAt, 2)[1]) : 0;
  const files = profileFiles(args);
  if (files.length === 0) {
    console.error('usage: cpu-profile.report <file.cpuprofile | directory>... [--top N]');
    process.exit(2);
  }
  for (const file of files) {
    const { total, functions, packages } = summarise([JSON.parse(readFileSync(file, 'utf8')) as CpuProfile], skipMs);
    console.log(`\n${file}: ${Math.round(total / 1000)} ms sampled${skipMs ? ` (first ${skipMs} ms skipped)` : ''}`);
    console.log('Self time by package:');
    for (const p of packages.slice(0, 20)) console.log(`  ${String(p.percent).padStart(5)} %  ${String(p.selfMs).padStart(6)} ms  ${p.pkg}`);
    console.log(`Top ${top} functions by self time:`);
    for (const f of functions.slice(0, top)) console.log(`  ${String(f.percent).padStart(5)} %  ${String(f.selfMs).padStart(6)} ms  ${f.fn}  ${f.where}`);
  }
}

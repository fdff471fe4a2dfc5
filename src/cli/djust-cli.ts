#!/usr/bin/env node
/**
 * The `nestjs-djust` command (package.json `bin`). `nestjs-djust audit
 * <compiled-module.js> [--export <name>] [--strict] [--json]` prints what the
 * app exposes over HTTP (run it without arguments for the usage).
 *
 * @packageDocumentation
 */
import 'reflect-metadata';
import { runCli } from './run-cli.js';

// No top-level await: this file is also compiled into the CommonJS build (the bin runs the ES module one).
void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then((code) => {
  // Exit explicitly once the output is flushed: an app module may leave handles open (pools, timers).
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});

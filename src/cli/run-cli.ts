import { auditCommand, type CliIo } from './audit.command.js';
import { errorMessage } from '../common/safe-format.util.js';

/** Usage text of the `nestjs-djust` command. */
export const USAGE = `Usage: nestjs-djust audit <compiled-module.js> [--export <name>] [--strict] [--json]

  audit   List every handler exposed over HTTP and every MCP tool (URL or tool
          name, auth classes, permissions, rate limit) and flag those with
          neither a permission nor a rate limit.

  <compiled-module.js>  the JavaScript file that exports the app module (not main.js)
  --export <name>       the export to use (default: AppModule, the default export,
                        or the only *Module export); a dotted path such as
                        SampleModule.forRoot is followed and functions are called
  --strict              exit 1 when any handler or tool is flagged (for CI)
  --json                print the report as JSON

Exit codes: 0 ok, 1 flagged handlers with --strict, 2 usage or load error.
`;

/** Parses the arguments and runs the command; returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = [...argv];
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return args.length === 0 ? 2 : 0;
  }
  const command = args.shift();
  if (command !== 'audit') {
    io.err(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let file: string | undefined;
  let exportName: string | undefined;
  let strict = false;
  let json = false;
  while (args.length) {
    const arg = args.shift()!;
    if (arg === '--strict') strict = true;
    else if (arg === '--json') json = true;
    else if (arg === '--export') exportName = args.shift();
    else if (arg.startsWith('--export=')) exportName = arg.slice('--export='.length);
    else if (arg.startsWith('-')) return usageError(io, `unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else return usageError(io, `unexpected argument ${arg}`);
  }
  if (!file) return usageError(io, 'the module file is missing');
  if (exportName === '') return usageError(io, '--export needs a name');
  try {
    return await auditCommand({ file, exportName, strict, json }, io);
  } catch (err) {
    io.err(`nestjs-djust audit: ${errorMessage(err)}\n`);
    return 2;
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(`nestjs-djust: ${message}\n\n${USAGE}`);
  return 2;
}

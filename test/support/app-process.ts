import { spawn, type ChildProcess } from 'node:child_process';
import { killOnExit } from './child-cleanup.js';
import { waitForListening } from './child-listening.js';

/** An app running in its own `node` process, started by {@link startAppProcess}. */
export interface AppProcess {
  /** The label given at start (used in error messages). */
  readonly name: string;
  /** The port it printed as `LISTENING <port>`. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with its exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last 8 000 characters of its stdout and stderr. */
  output(): string;
  /** Kills it at once with SIGKILL (a replica dying) and waits for the exit. Idempotent. */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs` (default 5 000), and waits for the exit. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startAppProcess}. */
export interface StartAppProcessOptions {
  /** Label in error messages. Default: the script's path. */
  name?: string;
  /** Added to the parent's environment. */
  env?: Record<string, string | undefined>;
  /** Arguments after the script. */
  args?: string[];
  /** Node flags before the script (e.g. `--enable-source-maps`). */
  nodeArgs?: string[];
  /** How long to wait for `LISTENING <port>`, ms. Default 20 000. */
  timeoutMs?: number;
  /** Matches the process's announcement on stdout instead of `LISTENING <port>`; group 1 is the port. */
  listening?: RegExp;
}

/**
 * Runs `node <script>` and resolves once it prints `LISTENING <port>` on stdout;
 * rejects with the tail of its output if it exits first or is not listening in
 * time. Every process started here is SIGKILLed when the test process exits
 * (or dies of SIGINT/SIGTERM/SIGHUP), and its stdin is a pipe from this
 * process, so a script that exits when its stdin ends (as
 * `test/support/plain-backend.main.ts` does) also goes away when the test
 * process is SIGKILLed.
 */
export async function startAppProcess(script: string, options: StartAppProcessOptions = {}): Promise<AppProcess> {
  const name = options.name ?? script;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let output = '';
  const append = (d: Buffer): void => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  child.stdin!.on('error', () => undefined); // EPIPE once the child is gone
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`${name}: could not start node: ${err.message}`))));
  spawnFailed.catch(() => undefined);

  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const kill = async (): Promise<void> => {
    if (!gone()) child.kill('SIGKILL');
    await exited;
  };
  const stop = async (graceMs = 5000): Promise<void> => {
    if (gone()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  let port: number;
  try {
    port = await Promise.race([waitForListening(child, name, options.timeoutMs ?? 20_000, () => output, options.listening), spawnFailed]);
  } catch (err) {
    if (child.pid !== undefined) await kill();
    throw err;
  }
  return { name, port, url: `http://127.0.0.1:${port}`, child, exited, output: () => output, kill, stop };
}

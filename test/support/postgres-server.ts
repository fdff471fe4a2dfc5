import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { killOnExit, untrack } from './child-cleanup.js';
import { freePort } from './redis-server.js';

/** A throwaway PostgreSQL server started by {@link startPostgres}. */
export interface PostgresServerHandle {
  /** TCP port on 127.0.0.1. */
  readonly port: number;
  /** `postgres://djust@127.0.0.1:<port>/djust` (trust authentication: no password). */
  readonly url: string;
  /** The last 8 000 characters of its output. */
  output(): string;
  /** Fast shutdown (SIGINT, SIGKILL after 5 s), waits for the exit, removes the data directory. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Folder of `initdb` and `postgres`. Default `$PG_BIN_DIR`, else the newest /usr/lib/postgresql/<v>/bin, else PATH. */
  binDir?: string;
  /** How long to wait until it accepts queries, ms. Default 30 000. */
  readyTimeoutMs?: number;
  /** The port to try first. Default: a free one. When it turns out taken, another free one is tried. */
  port?: number;
}

const INSTALL_HINT = 'Install it (Debian/Ubuntu: apt-get install -y postgresql) or set PG_BIN_DIR.';

/**
 * `initdb` into a temp dir and the real `postgres` on 127.0.0.1 (a free port,
 * durability off: fsync, synchronous_commit and full_page_writes), resolved
 * once it answers a query. PostgreSQL refuses to run as root: as root, both
 * run as the `postgres` user that Debian's package creates. Rejects with a
 * clear message when the binaries are missing — tests that need it fail,
 * they never skip. The server is SIGKILLed if this process exits first.
 * It is told apart from any other server on its port by a random
 * `djust.instance` setting: a port lost to someone else is retried elsewhere.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServerHandle> {
  const binDir = options.binDir ?? process.env.PG_BIN_DIR ?? findPostgresBinDir();
  if (!binDir || !existsSync(join(binDir, 'postgres')) || !existsSync(join(binDir, 'initdb'))) {
    throw new Error(`PostgreSQL server binaries (initdb, postgres) not found${binDir ? ` in ${binDir}` : ''}. ${INSTALL_HINT}`);
  }
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'djust-postgres-'));
  const data = join(dir, 'data');
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });

  try {
    execFileSync(join(binDir, 'initdb'), ['-D', data, '-U', 'djust', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], {
      ...runAs,
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    cleanup();
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${(err as Error).message}\n${stderr}`, { cause: err });
  }

  // freePort() only says the port was free a moment ago: another process may take it before postgres binds it,
  // and a server already there would answer our URL too (another test's, say — which ends our connections when
  // it stops). So each server gets a random instance tag, the readiness check asks for it, and a lost port is
  // retried on another one.
  for (let attempt = 1; ; attempt++) {
    const instance = randomUUID();
    const port = attempt === 1 && options.port ? options.port : await freePort();
    try {
      const server = await launch({ binDir, data, dir, runAs, port, instance, cleanup, readyTimeoutMs: options.readyTimeoutMs ?? 30_000 });
      return server;
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= 5) {
        cleanup();
        throw err;
      }
    }
  }
}

/** The port was taken by someone else between freePort() and postgres' bind. */
class PortTakenError extends Error {}

interface LaunchOptions {
  binDir: string;
  data: string;
  dir: string;
  runAs: { uid: number; gid: number } | undefined;
  port: number;
  instance: string;
  cleanup: () => void;
  readyTimeoutMs: number;
}

/** Starts postgres on `port` and resolves once it answers as itself (its instance tag); stops it on failure. */
async function launch({ binDir, data, dir, runAs, port, instance, cleanup, readyTimeoutMs }: LaunchOptions): Promise<PostgresServerHandle> {
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    `unix_socket_directories=${dir}`,
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
    'max_connections=200',
    `djust.instance=${instance}`,
  ];
  const child: ChildProcess = spawn(join(binDir, 'postgres'), ['-D', data, ...settings.flatMap((s) => ['-c', s])], {
    ...runAs,
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child, cleanup);
  let output = '';
  const append = (d: Buffer): void => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`could not start postgres: ${err.message}`))));
  spawnFailed.catch(() => undefined);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown: ends the sessions, no checkpoint wait
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };
  // On a failed start: stop the child but keep the data directory (a retry on another port reuses it).
  const abandon = async (): Promise<void> => {
    untrack(child);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // a clean stop, so a retry on the same data directory finds no shared memory in use
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  const url = `postgres://djust@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + readyTimeoutMs;
  try {
    for (;;) {
      const ready = await Promise.race([
        spawnFailed,
        exited.then(() => {
          if (/could not bind|address already in use/i.test(output)) throw new PortTakenError(`port ${port} was taken:\n${output}`);
          throw new Error(`postgres exited before accepting connections:\n${output}`);
        }),
        answersAs(url, instance),
      ]);
      if (ready === 'other') throw new PortTakenError(`another PostgreSQL server answers on port ${port}`);
      if (ready === 'self') break;
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections on port ${port} in time:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // A database of its own, so the URL names what the app owns.
    await query(url, 'CREATE DATABASE djust');
  } catch (err) {
    await abandon();
    throw err;
  }
  return { port, url: `postgres://djust@127.0.0.1:${port}/djust`, output: () => output, stop };
}

/** `'self'` once the server on `url` answers with our instance tag, `'other'` for another server, `'none'` before any answers. */
async function answersAs(url: string, instance: string): Promise<'self' | 'other' | 'none'> {
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await query(url, "SELECT current_setting('djust.instance', true) AS instance");
  } catch {
    return 'none';
  }
  return rows[0]?.instance === instance ? 'self' : 'other';
}

async function query(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query(text)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The newest `/usr/lib/postgresql/<version>/bin` (Debian's layout), else the folder of `postgres` on PATH. */
function findPostgresBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  return (process.env.PATH ?? '').split(delimiter).find((d) => d && existsSync(join(d, 'postgres')) && existsSync(join(d, 'initdb')));
}

/** uid and gid of the `postgres` user (created by Debian's package), for running the server as root. */
function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error(`running as root, and there is no "postgres" user to run PostgreSQL as (it refuses root). ${INSTALL_HINT}`);
  }
}

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { killOnExit } from './child-cleanup.js';
import { projectRoot } from './project-root.js';
import { freePort } from './redis-server.js';

/** One app process behind HAProxy. */
export interface HaproxyBackend {
  /** Server name in the config, and the value of its stickiness cookie. */
  name: string;
  port: number;
  /** Default `127.0.0.1`. */
  host?: string;
}

/** What {@link renderHaproxyConfig} puts into the committed config. */
export interface HaproxyConfigValues {
  /** The frontend's address, e.g. `127.0.0.1:8080`. */
  bind: string;
  backends: readonly HaproxyBackend[];
  /** Path of the backends' HTTP health check. Default: the template's. */
  healthPath?: string;
  /** A UNIX socket for HAProxy's runtime API (`show stat`), added to `global`. */
  statsSocket?: string;
}

/** Options of {@link startHaproxy}. */
export interface StartHaproxyOptions {
  /** The app processes: ports (named `app1`, `app2`...) or named backends. */
  backends: readonly (number | HaproxyBackend)[];
  /** Frontend port on 127.0.0.1. Default (or 0): a free port. */
  port?: number;
  /** Path of the backends' HTTP health check. Default: the committed config's. */
  healthPath?: string;
  /** Config to start from. Default `deploy/haproxy/haproxy.cfg`. */
  templatePath?: string;
  /** Binary to run. Default `$HAPROXY_BIN`, else `haproxy` on PATH or in /usr/sbin, /usr/local/sbin. */
  binary?: string;
  /** How long to wait until the frontend answers and every backend is UP, ms. Default 15 000. */
  readyTimeoutMs?: number;
  /** Wait until every backend passed its health check (default `true`); `false`: only until the frontend accepts connections. */
  waitForBackends?: boolean;
}

/** One backend server as HAProxy sees it. */
export interface HaproxyServerState {
  /** `UP`, `DOWN`, `MAINT`, or a transition such as `UP 1/2`, `DOWN 1/2`. */
  status: string;
  /** Connections open to it now (a WebSocket counts until it closes). */
  sessions: number;
}

/** A running HAProxy started by {@link startHaproxy}. */
export interface HaproxyHandle {
  /** Frontend port on 127.0.0.1. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The config it runs with (in a temp dir removed by `stop`). */
  readonly config: string;
  /** The last 8 000 characters of its output (the request log goes to stderr). */
  output(): string;
  /** Backend server name → its state as HAProxy sees it now, from the runtime API's `show stat`. */
  servers(): Promise<Record<string, HaproxyServerState>>;
  /** SIGTERM (hard stop: open connections are cut), SIGKILL after 3 s; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const INSTALL_HINT = 'Install it (Debian/Ubuntu: apt-get install -y haproxy) or set HAPROXY_BIN.';

/**
 * `sh -c WATCHDOG name <haproxy> <args...>`: starts HAProxy in the background
 * with stdin closed, prints its pid, kills it when the watchdog's own stdin
 * reaches EOF, and exits with HAProxy's status. (A non-interactive shell gives
 * background jobs /dev/null as stdin, hence the copy on fd 3.)
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" <&- 3<&- &',
  'pid=$!',
  'echo "haproxy pid $pid"',
  '( while read -r _; do :; done <&3; kill -9 "$pid" 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$pid"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** `deploy/haproxy/haproxy.cfg` in this checkout. */
export function haproxyTemplatePath(): string {
  return join(projectRoot(import.meta.url), 'deploy', 'haproxy', 'haproxy.cfg');
}

/**
 * The committed config with its frontend `bind`, its `server` lines and its
 * health-check `uri` replaced, so tests and `scripts/scaleout.mjs` run the
 * very timeouts, checks and stickiness that are committed. Throws when the
 * template no longer has exactly one `bind`, at least one `server` and one
 * `http-check send ... uri` line.
 */
export function renderHaproxyConfig(template: string, values: HaproxyConfigValues): string {
  if (values.backends.length === 0) throw new Error('renderHaproxyConfig: no backends');
  const lines = template.split('\n');
  const binds = lines.filter((l) => /^\s*bind\s/.test(l));
  const servers = lines.filter((l) => /^\s*server\s/.test(l));
  const checks = lines.filter((l) => /^\s*http-check\s+send\s.*\buri\s+\S+/.test(l));
  const globals = lines.filter((l) => /^global\s*$/.test(l));
  if (binds.length !== 1 || servers.length === 0 || checks.length !== 1 || globals.length !== 1) {
    throw new Error(
      `the HAProxy template changed shape: expected one "global" section, one "bind" line, one "http-check send ... uri" line and at least one "server" line ` +
        `(found ${globals.length}, ${binds.length}, ${checks.length}, ${servers.length})`,
    );
  }
  const out: string[] = [];
  let serversWritten = false;
  for (const line of lines) {
    const indent = /^\s*/.exec(line)![0];
    if (/^global\s*$/.test(line)) {
      out.push(line);
      if (values.statsSocket) out.push(`    stats socket ${values.statsSocket} mode 600 level admin`);
    } else if (/^\s*bind\s/.test(line)) {
      out.push(`${indent}bind ${values.bind}`);
    } else if (/^\s*server\s/.test(line)) {
      if (serversWritten) continue;
      serversWritten = true;
      for (const b of values.backends) {
        if (!/^[A-Za-z0-9_.-]+$/.test(b.name)) throw new Error(`renderHaproxyConfig: bad server name "${b.name}"`);
        out.push(`${indent}server ${b.name} ${b.host ?? '127.0.0.1'}:${b.port} check cookie ${b.name}`);
      }
    } else if (values.healthPath !== undefined && /^\s*http-check\s+send\s/.test(line)) {
      if (!/^\/\S*$/.test(values.healthPath)) throw new Error(`renderHaproxyConfig: bad health path "${values.healthPath}"`);
      out.push(line.replace(/\buri\s+\S+/, `uri ${values.healthPath}`));
    } else {
      out.push(line);
    }
  }
  return out.join('\n');
}

/** The HAProxy binary to run: `$HAPROXY_BIN`, else `haproxy` on PATH or in the usual sbin folders; `null` if none. */
export function findHaproxy(): string | null {
  if (process.env.HAPROXY_BIN) return process.env.HAPROXY_BIN;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, 'haproxy'))) return join(dir, 'haproxy');
  }
  return null;
}

/**
 * Starts the real HAProxy on 127.0.0.1 in front of `backends`, with the
 * committed config rendered into a temp dir, and resolves once it forwards
 * (by default: once every backend passed its health check). Rejects with
 * HAProxy's own output when the binary is missing, the config is refused or it
 * is not ready in time — tests that need it fail, they never skip.
 */
export async function startHaproxy(options: StartHaproxyOptions): Promise<HaproxyHandle> {
  const binary = options.binary ?? findHaproxy();
  if (!binary) throw new Error(`haproxy binary not found (not on PATH, nor in /usr/sbin). ${INSTALL_HINT}`);
  if (!existsSync(binary)) throw new Error(`haproxy binary not found ("${binary}" does not exist). ${INSTALL_HINT}`);
  const port = options.port || (await freePort());
  const backends = options.backends.map((b, i) => (typeof b === 'number' ? { name: `app${i + 1}`, port: b } : b));
  const dir = mkdtempSync(join(tmpdir(), 'djust-haproxy-'));
  const statsSocket = join(dir, 'admin.sock');
  const config = renderHaproxyConfig(readFileSync(options.templatePath ?? haproxyTemplatePath(), 'utf8'), {
    bind: `127.0.0.1:${port}`,
    backends,
    healthPath: options.healthPath,
    statsSocket,
  });
  const configPath = join(dir, 'haproxy.cfg');
  writeFileSync(configPath, config);

  // HAProxy runs in the foreground (-db) under a small sh watchdog that kills it
  // when its stdin — a pipe from this process — closes: on stop(), and also
  // when this process dies without running any hook (SIGKILL).
  const child = spawn('sh', ['-c', WATCHDOG, 'haproxy-watchdog', binary, '-db', '-f', configPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  let haproxyPid: number | undefined;
  const killHaproxy = (): void => {
    if (haproxyPid === undefined) return;
    try {
      process.kill(haproxyPid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  killOnExit(child, () => {
    killHaproxy();
    rmSync(dir, { recursive: true, force: true });
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    const pid = /^haproxy pid (\d+)$/m.exec(text);
    if (pid) haproxyPid = Number(pid[1]);
    output = (output + text.replace(/^haproxy pid \d+\n/m, '')).slice(-8000);
  });
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  child.stdin!.on('error', () => undefined); // EPIPE once the watchdog is gone
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      child.stdin!.destroy(); // lets the watchdog's reader end if HAProxy exited by itself
      resolve();
    }),
  );
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`could not start sh for ${binary}: ${err.message}`))));
  spawnFailed.catch(() => undefined);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.stdin!.end(); // the watchdog kills HAProxy (a hard stop: open connections are cut)
      const timer = setTimeout(() => {
        killHaproxy();
        child.kill('SIGKILL');
      }, 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const servers = async (): Promise<Record<string, HaproxyServerState>> => parseServers(await runtimeCommand(statsSocket, 'show stat'));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  const ready = async (): Promise<boolean> => {
    if (!(await accepts(port))) return false;
    if (options.waitForBackends === false) return true;
    const state = await servers().catch(() => ({}) as Record<string, HaproxyServerState>);
    return backends.every((b) => state[b.name]?.status === 'UP');
  };
  try {
    for (;;) {
      const ok = await Promise.race([
        spawnFailed,
        exited.then(() => {
          throw new Error(`haproxy exited before it was ready:\n${output}\n--- config ---\n${config}`);
        }),
        ready(),
      ]);
      if (ok) break;
      if (Date.now() > deadline) {
        const status = await servers().catch((e: Error) => e.message);
        throw new Error(`haproxy was not ready within ${options.readyTimeoutMs ?? 15_000} ms (servers: ${JSON.stringify(status)}):\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, url: `http://127.0.0.1:${port}`, config, output: () => output, servers, stop };
}

/** `true` when something accepts a TCP connection on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}

/** Sends one command to HAProxy's runtime API on a UNIX socket and resolves with the whole answer. */
function runtimeCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy(new Error(`haproxy runtime API did not answer "${command}"`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${command}\n`));
    socket.on('data', (d) => (answer += d.toString()));
    socket.once('end', () => resolve(answer));
  });
}

/** `show stat` CSV → server name → state, for server rows only (not FRONTEND/BACKEND). */
function parseServers(csv: string): Record<string, HaproxyServerState> {
  const [header, ...rows] = csv.split('\n').filter((l) => l.trim() !== '');
  const columns = (header ?? '').replace(/^#\s*/, '').split(',');
  const [sv, status, scur] = ['svname', 'status', 'scur'].map((c) => columns.indexOf(c));
  const result: Record<string, HaproxyServerState> = {};
  for (const row of rows) {
    const cells = row.split(',');
    const name = cells[sv];
    if (name && name !== 'FRONTEND' && name !== 'BACKEND') result[name] = { status: cells[status] ?? '', sessions: Number(cells[scur] ?? 0) };
  }
  return result;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/** A throwaway `redis-server` started by {@link startRedis}. */
export interface RedisServerHandle {
  /** TCP port on 127.0.0.1. */
  port: number;
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Stops the server (SIGTERM, SIGKILL after 3 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Port to listen on (e.g. to restart on the same port). Default: a free port. */
  port?: number;
  /** Binary to run. Default `$REDIS_SERVER_BIN` or `redis-server`. */
  binary?: string;
  /** How long to wait for PONG, ms. Default 10 000. */
  readyTimeoutMs?: number;
}

const INSTALL_HINT = 'Install it (Debian/Ubuntu: apt-get install -y redis-server) or set REDIS_SERVER_BIN.';

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Spawns the real `redis-server` on 127.0.0.1 with persistence off, waits until it
 * answers PING, and returns a handle to stop it. Rejects with a clear message when
 * the binary is missing — tests that need Redis must fail, not skip.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServerHandle> {
  // freePort() only says the port was free a moment ago: another process (another test's Redis, say) may take it
  // before redis-server binds it, and would then answer our PING. So readiness is "the server on the port is our
  // child" (INFO's process_id), and a lost free port is retried on another one (a port the caller chose is not).
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launchRedis(options, port);
    } catch (err) {
      if (!(err instanceof PortTakenError) || options.port !== undefined || attempt >= 5) throw err;
    }
  }
}

/** Another process holds the port. */
class PortTakenError extends Error {}

async function launchRedis(options: StartRedisOptions, port: number): Promise<RedisServerHandle> {
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  installExitHook();
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));

  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    running.delete(child);
    resolve();
  }));
  const spawnError = new Promise<never>((_, reject) => child.once('error', (err: NodeJS.ErrnoException) => {
    running.delete(child);
    reject(err.code === 'ENOENT'
      ? new Error(`redis-server binary not found ("${binary}" is not on PATH). ${INSTALL_HINT}`)
      : new Error(`could not start ${binary}: ${err.message}`));
  }));
  spawnError.catch(() => undefined);

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (;;) {
    const pid = await Promise.race([
      spawnError,
      exited.then(() => {
        const message = `redis-server exited before answering PING (port ${port}):\n${output}`;
        throw /address already in use/i.test(output) ? new PortTakenError(message) : new Error(message);
      }),
      serverPid(port),
    ]);
    if (pid === child.pid) break;
    if (pid !== undefined) {
      await stop();
      throw new PortTakenError(`another Redis server (pid ${pid}) answers on port ${port}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer PING on port ${port} in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop };
}

/** The `process_id` of the Redis server on 127.0.0.1:`port` (INFO server), or undefined when none answers yet. */
function serverPid(port: number, timeoutMs = 500): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (pid: number | undefined) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (d) => {
      data += d.toString();
      if (data.startsWith('-')) return done(undefined); // e.g. -LOADING
      const match = /process_id:(\d+)/.exec(data);
      if (match) done(Number(match[1]));
    });
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Kills servers still running when the test process exits (e.g. after a crash). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

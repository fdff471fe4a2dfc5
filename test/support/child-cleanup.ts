import type { ChildProcess } from 'node:child_process';

/** Children to SIGKILL (and a sync cleanup to run) if this process ends before it stopped them. */
const tracked = new Map<ChildProcess, (() => void) | undefined>();
let hooksInstalled = false;

/**
 * Makes sure `child` does not outlive this process: it is SIGKILLed (and
 * `cleanup`, if any, runs) when this process exits — normally or on an
 * uncaught error — and on SIGINT/SIGTERM/SIGHUP when nothing else handles the
 * signal (then the signal is re-raised so the process still dies of it; when
 * the app has its own handler, that handler owns the shutdown and the exit
 * hook remains the backstop). Untracked by itself when the child exits.
 * Nothing can run when this process is SIGKILLed: children that must go then
 * too should also end when their stdin (a pipe from here) closes.
 */
export function killOnExit(child: ChildProcess, cleanup?: () => void): void {
  installHooks();
  tracked.set(child, cleanup);
  child.once('exit', () => tracked.delete(child));
}

/** Stops tracking `child` and runs nothing for it (its owner cleaned up). */
export function untrack(child: ChildProcess): void {
  tracked.delete(child);
}

function killAll(): void {
  for (const [child, cleanup] of tracked) {
    child.kill('SIGKILL');
    try {
      cleanup?.();
    } catch {
      // best effort while exiting
    }
  }
  tracked.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 0) return; // the app handles it
      killAll();
      process.kill(process.pid, signal); // no handler left: the default action, die of it
    };
    process.once(signal, onSignal);
  }
}

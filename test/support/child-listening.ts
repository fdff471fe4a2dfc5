import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the port a child app prints as `LISTENING <port>` on stdout;
 * rejects (with the tail of its stderr) if it exits first or takes longer than
 * `timeoutMs`, killing it in the latter case. Used by the multi-process
 * rate-limit tests and the benchmark servers. `pattern` matches another
 * announcement instead; its first group is the port.
 */
export function waitForListening(child: ChildProcess, label: string, timeoutMs: number, stderr: () => string, pattern: RegExp = /LISTENING (\d+)/): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not listen within ${timeoutMs} ms:\n${stderr()}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = pattern.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code ?? signal}) before listening:\n${stderr()}`));
    });
  });
}

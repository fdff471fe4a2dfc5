/**
 * The end of an app process's main (`startAppProcess` children): prints
 * `LISTENING <port>` for the parent, then on SIGTERM or when stdin ends (the
 * parent is gone) runs `close` once and exits 0.
 */
export function serveUntilStopped(url: string, close: () => Promise<void>): void {
  process.stdout.write(`LISTENING ${new URL(url).port}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.stdin.resume();
  process.stdin.once('end', () => void stop());
}

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { connectSocket, emitAck } from './support/clients.js';

/**
 * One hostile socket message must never stop the server (issue: `{ handler:
 * { toString: 1 } }` from an anonymous socket ended the process with an
 * uncaught TypeError). The sample app runs in a child process, as in
 * production; an anonymous socket sends every message shape that once
 * crashed it or could — objects whose `toString`/`valueOf`/`toJSON` are not
 * functions in every field, arrays and binary attachments where strings are
 * expected, and the same without an ack — then the test checks that the
 * process still runs, answers HTTP, and lets a fresh socket mount a view.
 */
const MAIN = fileURLToPath(new URL('../../sample/main.js', import.meta.url));
const TOKEN = 'djust-demo-token';

/** Objects JavaScript cannot turn into a string. */
const TRAPS: readonly unknown[] = [
  { toString: 1 },
  { valueOf: 1 },
  { toString: 1, valueOf: 1 },
  { toString: {}, valueOf: [] },
  { toJSON: 1 },
  { toString: null, valueOf: null, toJSON: null },
  JSON.parse('{"__proto__": {"toString": 1}}'),
];
/** Other values where a string is expected. */
const NON_STRINGS: readonly unknown[] = [['order'], [{ toString: 1 }], Buffer.from([0xff, 0xfe]), 42, true, null, {}, { nested: { toString: 1 } }];
const HOSTILE = [...TRAPS, ...NON_STRINGS];

/** Every message shape: each hostile value in each field of each message. */
function hostileMessages(): { event: 'mount' | 'event' | 'unmount'; payload: unknown }[] {
  const out: { event: 'mount' | 'event' | 'unmount'; payload: unknown }[] = [];
  for (const v of HOSTILE) {
    out.push({ event: 'mount', payload: { view: v } });
    out.push({ event: 'mount', payload: { view: 'chart', params: v } });
    out.push({ event: 'mount', payload: { view: 'order', params: { id: v } } });
    out.push({ event: 'event', payload: { ref: 'x', handler: v } });
    out.push({ event: 'event', payload: { ref: v, handler: 'refresh' } });
    out.push({ event: 'event', payload: { ref: 'x', handler: 'refresh', params: v } });
    out.push({ event: 'unmount', payload: { ref: v } });
    out.push({ event: 'mount', payload: v });
    out.push({ event: 'event', payload: v });
    out.push({ event: 'unmount', payload: v });
  }
  return out;
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the sample did not start:\n${out}`)), 90_000);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /Page\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sample exited with ${code}:\n${out}`));
    });
  });
}

describe('hostile socket messages never stop the server (sample in a child process)', () => {
  let child: ChildProcess;
  let base: string;
  let stderr = '';
  const exits: (number | null)[] = [];

  before(async () => {
    const { DATABASE_URL: _ignored, ...env } = process.env;
    child = spawn(process.execPath, [MAIN], { env: { ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code) => exits.push(code));
    base = `http://127.0.0.1:${await waitForPort(child)}`;
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('answers every hostile mount/event/unmount of an anonymous socket with an error ack', async () => {
    const socket = await connectSocket(base);
    try {
      for (const { event, payload } of hostileMessages()) {
        const ack = await emitAck(socket, event, payload);
        assert.equal(typeof ack?.error, 'string', `${event} ${JSON.stringify(payload)} → ${JSON.stringify(ack)}`);
        assert.equal(typeof ack.status, 'number');
        assert.ok(ack.status < 500, `${event} → ${JSON.stringify(ack)}`);
      }
      assert.ok(socket.connected, 'the server kept the socket');
    } finally {
      socket.close();
    }
  });

  it('survives the same messages without an ack, and with extra or binary arguments', async () => {
    const socket: Socket = await connectSocket(base);
    try {
      for (const { event, payload } of hostileMessages()) {
        socket.emit(event, payload);
        socket.emit(event, payload, Buffer.from([1, 2, 3]));
        socket.emit(event);
      }
      // A round trip after them: every message before it has been handled.
      const ack = await emitAck(socket, 'mount', { view: { toString: 1 } });
      assert.equal(ack.error, 'not_found');
    } finally {
      socket.close();
    }
  });

  it('is still running, answers HTTP, and a fresh socket mounts a view', async () => {
    assert.deepEqual(exits, [], `the sample exited:\n${stderr}`);
    assert.equal(child.exitCode, null);
    const res = await fetch(`${base}/djust/api/openapi.json`);
    assert.equal(res.status, 200);
    const socket = await connectSocket(base, { token: TOKEN });
    try {
      const ack = await emitAck(socket, 'mount', { view: 'chart' });
      assert.equal(typeof ack.ref, 'string', JSON.stringify(ack));
    } finally {
      socket.close();
    }
    assert.doesNotMatch(stderr, /uncaught|unhandled/i);
  });
});

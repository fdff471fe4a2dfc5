import { createHash } from 'node:crypto';

/**
 * The few commands the library's Redis stores need. An ioredis `Redis` or
 * `Cluster` instance satisfies it; it is structural so that nestjs-djust's types
 * do not require the optional `ioredis` peer dependency.
 */
export interface RedisScriptClient {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  quit?(): Promise<unknown>;
}

/** A Lua script and its SHA1, run with EVALSHA (EVAL when Redis does not have it cached yet). */
export class RedisScript {
  private readonly sha1: string;

  constructor(private readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script atomically with `keys` (KEYS[]) and `args` (ARGV[]). */
  async run(client: RedisScriptClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha1, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Whether `client` has what {@link RedisScript} needs. */
export function isRedisScriptClient(client: unknown): client is RedisScriptClient {
  return client != null && typeof (client as RedisScriptClient).evalsha === 'function' && typeof (client as RedisScriptClient).eval === 'function';
}

/** A value cannot be turned into JSON (a cycle, a BigInt). Becomes a 500 `handler_error`. */
export class SerializationError extends Error {
  constructor(reason: string) {
    super(`Value cannot be serialized: ${reason}`);
    this.name = 'SerializationError';
  }
}

/**
 * Whether `value` would serialize to more than `limit` bytes of JSON (UTF-8;
 * escape sequences inside strings are not counted).
 * Walks the decoded message iteratively and stops as soon as the bound is
 * passed, so its cost is O(min(size, limit)) with no string built and no
 * recursion (deep nesting cannot overflow the stack). Binary attachments
 * (Buffer, ArrayBuffer, typed arrays) count their byte length.
 */
export function jsonSizeExceeds(value: unknown, limit: number): boolean {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        size += Buffer.byteLength(v, 'utf8') + 2;
        break;
      case 'number':
      case 'bigint':
        size += String(v).length;
        break;
      case 'boolean':
        size += v ? 4 : 5;
        break;
      case 'object':
        if (v === null) {
          size += 4;
        } else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
          size += v.byteLength;
        } else if (Array.isArray(v)) {
          size += 1 + Math.max(1, v.length); // brackets and commas
          for (let i = 0; i < v.length; i++) stack.push(v[i]);
        } else {
          const keys = Object.keys(v);
          size += 1 + Math.max(1, keys.length); // braces and commas
          for (const key of keys) {
            size += Buffer.byteLength(key, 'utf8') + 3; // quotes and colon
            stack.push((v as Record<string, unknown>)[key]);
          }
        }
        break;
      default:
        size += 4; // undefined/function/symbol: dropped or null in JSON
    }
    if (size > limit) return true;
  }
  return false;
}

import type { DjustOutcome } from '../../core/dispatch.types.js';
import { labelOf } from '../../common/safe-format.util.js';
import type { DjustException } from '../../protocol/djust.exception.js';

/** A `tools/call` result, as the MCP SDK sends it. */
export interface McpToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent: Record<string, unknown>;
  isError?: boolean;
}

/** JSON-RPC "Invalid params", the code of an unknown tool. */
const INVALID_PARAMS = -32602;

/**
 * The one MCP encoder. Success: `structuredContent: { result, assigns }` and
 * one text content holding the JSON of `result`. A failure:
 * `isError: true`, `structuredContent: { error, details, status }` with the
 * HTTP API's kinds and statuses, and its JSON as the text content. An answer
 * kept for `_meta.idempotencyKey` and replayed says so in `_meta.replayed`.
 */
export function toToolResult(outcome: DjustOutcome): McpToolResult {
  const result = outcome.ok ? success(outcome.result, outcome.assigns) : failure(outcome.error);
  if (outcome.replayed) result._meta = { replayed: true };
  return result;
}

function success(result: unknown, assigns: unknown): McpToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: { result, assigns } };
}

function failure(error: DjustException): McpToolResult {
  const structuredContent = { error: error.kind, details: error.details, status: error.status };
  return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent, isError: true };
}

/**
 * The JSON-RPC error for a tool that does not exist *or* that the caller may
 * not see: the same for both, so a caller never learns a hidden tool's name.
 * (An error with a numeric `code` is sent by the SDK as that JSON-RPC error.)
 */
export function unknownTool(name: unknown): Error & { code: number } {
  return Object.assign(new Error(`Unknown tool: ${labelOf(name)}`), { code: INVALID_PARAMS });
}

/** The JSON-RPC answer to a body that is not JSON (what the SDK itself answers), HTTP 400. */
export const PARSE_ERROR_BODY = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the body is not valid JSON.' } });

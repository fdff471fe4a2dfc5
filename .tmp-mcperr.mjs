import { McpError } from '@modelcontextprotocol/sdk/types.js';
const orig = Error.captureStackTrace;
let seen = 0;
const proto = McpError.prototype;
const { startServer } = await import('/work/main/.build/bench/bench-support.js');

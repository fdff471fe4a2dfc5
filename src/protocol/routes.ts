/** The URL shapes of the transports, shared by the transports, the OpenAPI generator and the audit. */

/** `djust` → `/djust` (the prefix without surrounding slashes, with one leading slash). */
export function prefixPath(prefix: string): string {
  return `/${prefix.replace(/^\/+|\/+$/g, '')}`;
}

/** `/<prefix>/api`: the HTTP API's base path. */
export function apiBasePath(prefix: string): string {
  return `${prefixPath(prefix)}/api`;
}

/** `/<prefix>/api/<slug>/<handler>/`: one exposed handler. */
export function operationPath(prefix: string, slug: string, handler: string): string {
  return `${apiBasePath(prefix)}/${slug}/${handler}/`;
}

/** `/<prefix>/mcp`: the MCP endpoint. */
export function mcpPath(prefix: string): string {
  return `${prefixPath(prefix)}/mcp`;
}

/** `order.update_status`: the MCP tool name of a handler. */
export function toolName(slug: string, handler: string): string {
  return `${slug}.${handler}`;
}

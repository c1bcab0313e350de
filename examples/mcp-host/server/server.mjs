#!/usr/bin/env node
// A minimal MCP server (stdio) that, like many real ones, does not exit when its stdin closes.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'example-mcp-server', version: '1.0.0' });
server.registerTool('ping', { description: 'Answers pong' }, () => ({
  content: [{ type: 'text', text: 'pong' }],
}));
await server.connect(new StdioServerTransport());
// Background work (a watcher, a cache refresh...) keeps the process alive after stdin's EOF.
setInterval(() => {}, 60_000);

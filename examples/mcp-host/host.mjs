// An agent host on the official MCP SDK: two stdio servers, one started through `npx`, one
// through `sh -c`, neither of which exits when its stdin closes. With tethered's tree default,
// client.close() (the SDK's stdin EOF, SIGTERM, SIGKILL to the direct child) ends each server's
// whole tree, and so does the host's own death, however it dies.
//
//   node host.mjs [label] [--untethered]
//
// `label` is passed to both servers (it shows in `ps`); --untethered runs the same host on plain
// node:child_process, to compare. The host prints one JSON line once both servers answered, reads
// `close` on stdin to close both clients (then prints another line), and otherwise stays up.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { register } from 'tethered';

const [label = 'example', flag] = process.argv.slice(2);
// Every child of this process from now on, the SDK's included, runs in tree mode, so every
// signal it sends a child (killDescendants) reaches the child's whole tree.
if (flag !== '--untethered') register({ tree: true });

const serverDir = fileURLToPath(new URL('./server', import.meta.url));
const servers = {
  npx: { command: 'npx', args: ['--no-install', serverDir, label] },
  sh: { command: 'sh', args: ['-c', 'node "$0/server.mjs" "$1" || exit 1', serverDir, label] },
};

const clients = [];
const started = {};
for (const [name, server] of Object.entries(servers)) {
  const transport = new StdioClientTransport({ ...server, stderr: 'ignore' });
  const client = new Client({ name: 'example-host', version: '1.0.0' });
  await client.connect(transport);
  const answer = await client.callTool({ name: 'ping' });
  started[name] = { pid: transport.pid, answer: answer.content[0].text };
  clients.push(client);
}
console.log(JSON.stringify({ started }));

createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line !== 'close') return;
  await Promise.all(clients.map((client) => client.close()));
  console.log(JSON.stringify({ closed: true }));
});
setInterval(() => {}, 60_000); // a host keeps running after closing a server

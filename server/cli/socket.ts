import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { runCommand, type CommandResult, type CommandTarget } from './commands.ts';

type Request = { args: string[]; stdin: string };

export function socketPath(dataDir: string): string {
  return join(dataDir, 'cli.sock');
}

/**
 * PGlite allows one process per data directory, so while a node runs, the command line asks the
 * node to run its command. The socket is a file readable only by the node's own user.
 */
export async function serveCommandSocket(target: CommandTarget): Promise<{ close(): Promise<void> }> {
  const path = socketPath(target.dataDir);
  rmSync(path, { force: true });
  const server: Server = createServer((connection) => {
    let body = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk) => {
      body += chunk;
      if (!body.endsWith('\n')) return;
      let request: Request;
      try {
        request = JSON.parse(body) as Request;
      } catch {
        connection.end(`${JSON.stringify({ code: 2, out: '', err: 'bad request' })}\n`);
        return;
      }
      runCommand(target, request.args, request.stdin)
        .catch((error: Error): CommandResult => ({ code: 1, out: '', err: error.message }))
        .then((result) => connection.end(`${JSON.stringify(result)}\n`));
    });
    connection.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        }),
      ),
  };
}

export function sendCommand(dataDir: string, request: Request): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const connection = createConnection(socketPath(dataDir), () => connection.write(`${JSON.stringify(request)}\n`));
    connection.setEncoding('utf8');
    connection.on('data', (chunk) => (answer += chunk));
    connection.on('end', () => {
      try {
        resolve(JSON.parse(answer) as CommandResult);
      } catch (error) {
        reject(error);
      }
    });
    connection.on('error', reject);
  });
}

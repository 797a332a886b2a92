/**
 * The team ledger's pool while its server stops. PostgreSQL ends every session with "terminating
 * connection due to administrator command" (57P01) when it is stopped. When that came in the same
 * packet as the new session's "ready" (the server stopping while a desk connects), it reached a
 * connection the pool had just handed out and nobody listened to yet, and the 'error' event ended
 * the desk's process (seen in CI: a desk exited with code 1 in the team's server-stopped test). A
 * server on loopback that answers exactly so shows it without a real PostgreSQL.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresConnection } from '../../../../src/main/core/ledger/postgres-connection';
import { LedgerProblem } from '../../../../src/main/core/ledger/postgres-errors';

/** One backend message: its type byte, its length, its body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const authenticationOk = message('R', Buffer.from([0, 0, 0, 0]));
const readyForQuery = message('Z', Buffer.from('I', 'latin1'));
const adminShutdown = message(
  'E',
  Buffer.from('SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0', 'latin1'),
);

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

/** A server that lets each session in and, in the same packet, ends it as a stopping PostgreSQL does. */
async function stoppingServer(): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.once('data', () => {
      s.write(Buffer.concat([authenticationOk, readyForQuery, adminShutdown]));
      s.end();
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return (server.address() as AddressInfo).port;
}

describe('PostgresConnection while the server stops', () => {
  it('a session ended as it opens is a clear "cannot reach" problem, and the process goes on', async () => {
    const port = await stoppingServer();
    const uncaught: unknown[] = [];
    const hear = (e: unknown): void => void uncaught.push(e);
    process.on('uncaughtException', hear);
    try {
      const opening = PostgresConnection.open({
        url: `postgres://desk:s3cret-pw@127.0.0.1:${port}/authenta`,
        desk: 'desk-a',
        now: Date.now,
        connectTimeoutMs: 5_000,
      });
      const problem = await opening.then(
        () => null,
        (e: unknown) => e,
      );
      expect(problem).toBeInstanceOf(LedgerProblem);
      expect((problem as LedgerProblem).message).not.toContain('s3cret-pw');
      // Let any late event of the dead session arrive before looking.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(uncaught.map((e) => String(e))).toEqual([]);
    } finally {
      process.off('uncaughtException', hear);
    }
  });
});

/**
 * Loopback ports for tests that must know a port before anything listens on it (a server started
 * by another program, a restart on the same port) or that need a port where nothing listens.
 *
 * A port from `listen(0)` comes from the kernel's ephemeral range: once closed, the kernel hands it
 * out again to any other `listen(0)` and as the local port of any outgoing connection, so on a
 * busy machine (parallel test files, other test runs) it may be taken before it is used. Ports
 * below that range are never handed out by the kernel; only a program asking for that very port
 * can take one, so a free one picked at random stays free.
 *
 *   const port = await unusedPort();   // nothing listens there, and the kernel will not give it away
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Lowest port tried: above the registered services most machines run. */
const LOWEST = 20_000;

/** The first port of the kernel's ephemeral range (Linux), or a common default elsewhere. */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) && n > LOWEST + 1_000 ? n : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether nothing listens on 127.0.0.1:`port` now (binding it succeeds). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * A port of 127.0.0.1 that nothing listens on and that the kernel will not hand out by itself
 * (below the ephemeral range): for a server another program starts later, a server stopped and
 * started again on the same port, or an address where connections are refused.
 */
export async function unusedPort(): Promise<number> {
  const high = ephemeralStart();
  for (let tries = 0; tries < 200; tries++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port of 127.0.0.1 between ${LOWEST} and ${high}`);
}

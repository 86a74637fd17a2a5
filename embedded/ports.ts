import net from 'node:net';

/** Resolves when something accepts TCP connections on host:port, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * A TCP port that was free a moment ago (for tests and side services). Chosen below Linux's ephemeral range
 * (32768+), so an outgoing connection's local port cannot take it before the service that was given it binds it again
 * (a restarted server on the same ports would otherwise fail with "address already in use").
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 15_000 + Math.floor(Math.random() * 15_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free TCP port found between 15000 and 30000');
}

/**
 * A port that is free together with every port at the given offsets from it (a server that binds several around one
 * setting, as the Temporal server does: temporalServerPorts).
 */
export async function freePortWithNeighbours(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 15_500 + Math.floor(Math.random() * 14_000);
    const free = await Promise.all([...new Set([0, ...offsets])].map((offset) => canListen(port + offset)));
    if (free.every(Boolean)) return port;
  }
  throw new Error('no free TCP port with free neighbours found between 15500 and 29500');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return waitForPort(port, host, 0).then(
    () => true,
    () => false,
  );
}

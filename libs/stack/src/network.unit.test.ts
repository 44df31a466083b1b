import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPortOpen, isSelfConnected } from './network.ts';

const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('port probes', () => {
  it('recognises a real socket connected to itself: a connection from a port to that same port with nobody listening', async () => {
    const port = await freePort();
    const socket: Socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1', localPort: port });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    expect(isSelfConnected(socket)).toBe(true);
    socket.destroy();
  });

  it('takes a socket whose local and remote ends are the same for one connected to itself', () => {
    expect(isSelfConnected({ localAddress: '127.0.0.1', localPort: 39192, remoteAddress: '127.0.0.1', remotePort: 39192 })).toBe(true);
    expect(isSelfConnected({ localAddress: '127.0.0.1', localPort: 51578, remoteAddress: '127.0.0.1', remotePort: 39192 })).toBe(false);
    expect(isSelfConnected({})).toBe(false);
  });

  it('sees a listening port as open, and a closed one as not', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(await isPortOpen(port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await isPortOpen(port)).toBe(false);
  });
});

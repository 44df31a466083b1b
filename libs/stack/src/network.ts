import { connect } from 'node:net';

export const loopback = '127.0.0.1';

/**
 * A connection to a loopback port nobody listens on can be given that very port as its own local
 * port, and then connects to itself (TCP simultaneous open). Such a socket answers like a server
 * but is none, and while it stays open the real server cannot bind the port: a health check that
 * kept it open made Kafka fail to start on ports in the ephemeral range (39192).
 */
export const isSelfConnected = (socket: { localAddress?: string | undefined; localPort?: number | undefined; remoteAddress?: string | undefined; remotePort?: number | undefined }): boolean =>
  socket.localPort !== undefined && socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress;

/**
 * True when something accepts TCP connections on the port (ours or not). A socket connected to
 * itself counts as nothing listening, and is closed at once so the port is free to bind.
 */
export const isPortOpen = (port: number, host: string = loopback, timeoutMs = 1_000): Promise<boolean> =>
  new Promise((resolvePromise) => {
    const socket = connect({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(!isSelfConnected(socket)));
    socket.once('error', () => done(false));
  });

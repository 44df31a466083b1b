import { connect } from 'node:net';

export const loopback = '127.0.0.1';

/** True when something accepts TCP connections on the port (ours or not). */
export const isPortOpen = (port: number, host: string = loopback, timeoutMs = 1_000): Promise<boolean> =>
  new Promise((resolvePromise) => {
    const socket = connect({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });

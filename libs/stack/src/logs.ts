import { open, rename, stat } from 'node:fs/promises';

/** Reads at most the last `maxBytes` of a log and returns its last `count` lines. */
export const tailFile = async (file: string, count = 30, maxBytes = 64 * 1024): Promise<string> => {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-count).join('\n');
  } finally {
    await handle.close();
  }
};

/** Keeps one previous log so logs appended across many restarts don't grow without bound. */
export const rotateIfLarge = async (file: string, maxBytes = 20 * 1024 * 1024): Promise<void> => {
  try {
    if ((await stat(file)).size > maxBytes) await rename(file, `${file}.1`);
  } catch {
    // No log yet.
  }
};

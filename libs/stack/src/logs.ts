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

export const startMarker = '=== tributary stack: starting';

/** The last lines written since the most recent start, so an error shows this run, not an old one. */
export const tailOfLastRun = async (file: string, count = 30): Promise<string> => {
  const tail = await tailFile(file, 400);
  const lines = tail.split('\n');
  const markerIndex = lines.findLastIndex((line) => line.startsWith(startMarker));
  return lines.slice(markerIndex + 1).slice(-count).join('\n').trim();
};

/** Keeps one previous log so logs appended across many restarts don't grow without bound. */
export const rotateIfLarge = async (file: string, maxBytes = 20 * 1024 * 1024): Promise<void> => {
  try {
    if ((await stat(file)).size > maxBytes) await rename(file, `${file}.1`);
  } catch {
    // No log yet.
  }
};

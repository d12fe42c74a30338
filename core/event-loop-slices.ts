/**
 * Long work on the event loop, cut into slices: a host's event loop (the WebSocket, the
 * Electron main process) serves between them, so 100,000 segments never hold it for long.
 */

/** How long one slice may hold the event loop before it gives way. */
export const SLICE_MS = 8;

/** Lets timers and I/O run (a setImmediate: after the poll phase, so sockets are served too). */
export const giveWay = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Calls `each(i)` for i from 0 to count - 1, giving the event loop way whenever a slice
 * has run SLICE_MS. After each pause, `goOn` is asked: false stops the work, and the
 * result is then false.
 */
export async function forEachInSlices(
  count: number,
  each: (i: number) => void,
  goOn: () => boolean = () => true,
): Promise<boolean> {
  let sliceStart = performance.now();
  for (let i = 0; i < count; i++) {
    each(i);
    // The clock is read every 64 calls: reading it costs more than a call of most work.
    if (i % 64 === 63 && performance.now() - sliceStart >= SLICE_MS) {
      await giveWay();
      if (!goOn()) return false;
      sliceStart = performance.now();
    }
  }
  return true;
}

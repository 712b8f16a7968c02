/**
 * Frees a typed array's memory now instead of at some later garbage collection: its buffer is detached (the array
 * and every other view of that buffer read as empty afterwards), so an idle worker does not sit on hundreds of
 * megabytes of scores it dropped. Only for arrays whose buffer the caller owns alone. Buffers that cannot be detached
 * (a WebAssembly memory's, a SharedArrayBuffer) and detached ones are left as they are.
 */
export function release(a: ArrayBufferView | null | undefined): void {
  const buf = a?.buffer;
  if (!(buf instanceof ArrayBuffer) || buf.byteLength === 0) return;
  // ArrayBuffer.prototype.transfer (ES2024) drops the old store at once; without it (Node 20) a transfer to a clone
  // nobody keeps detaches it too.
  const transfer = (buf as { transfer?: (length: number) => ArrayBuffer }).transfer;
  // Typed here: src/core compiles without the DOM's and Node's declarations.
  const clone = (globalThis as { structuredClone?: (v: unknown, o: { transfer: ArrayBuffer[] }) => unknown })
    .structuredClone;
  try {
    if (transfer) transfer.call(buf, 0);
    else clone?.(buf, { transfer: [buf] });
  } catch {
    // not detachable (a WebAssembly memory's buffer): the collector frees it with its last view
  }
}

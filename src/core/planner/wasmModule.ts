/** The part of the WebAssembly API that compiles a module; core is typed without the DOM or Node libraries. */
interface ModuleApi {
  Module: new (bytes: Uint8Array) => object;
}

/**
 * A kernel's compiled module, made on first use and kept: null where there is no WebAssembly or the engine refuses
 * the module (no SIMD). Compiled synchronously: each kernel is a few hundred bytes, far under the main thread's limit.
 */
export function compiledOnce(bytes: Uint8Array): (api: ModuleApi | undefined) => object | null {
  let compiled: object | null | undefined;
  return (api) => {
    if (compiled === undefined) {
      try {
        compiled = api ? new api.Module(bytes) : null;
      } catch {
        compiled = null; // no SIMD in this engine
      }
    }
    return compiled;
  };
}

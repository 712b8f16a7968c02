/** The tfjs WASM backend in Node, its binaries from the installed package (the workbench's CPU path). */
export { useWasm } from '../src/testing/wasmBackend';

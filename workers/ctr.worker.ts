import * as Comlink from 'comlink';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { ctrApi } from './ctr.api';
import { createWorkspaceStore } from './workspace';

// The WASM binaries are served by the app itself (never a CDN): vite copies them and gives their URLs.
ctrApi.configure(
  {
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasm,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
    },
  },
  createWorkspaceStore(),
);
Comlink.expose(ctrApi);

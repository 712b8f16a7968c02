/**
 * What the built app's workers take for `@tensorflow/tfjs` (vite.config.ts swaps it in): tfjs-core with its gradients
 * and chained ops, and the CPU backend (the self-tests' reference and the last rung). The union package also brings
 * tfjs-layers, tfjs-converter, tfjs-data, which nothing here uses, and the WebGL backend, which the ladder imports
 * when it tries that rung (src/platform/backend.ts): a worker would otherwise download, compile and run all of it
 * before it answers its first call. Node keeps the union package (its tfjs-core main bundle registers no gradients).
 */
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';

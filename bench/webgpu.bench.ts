// WebGPU in headless Chromium against WASM in the same page and run: one GRU and one Transformer training batch on
// the ML-1M-shaped world (core/models/sequence/batchTiming.ts, as the sequence bench), and the planner's pass (row and column sums of
// π = sigmoid((λ − u − v)/ε), eq. 12) over a score matrix. The page is bench/webgpu.page.ts, bundled and served by
// routing (src/testing/pageBundle.ts). The table names the adapter WebGPU gave; on a software adapter (SwiftShader
// here) its rows are functional only.
// Env: WEBGPU_ADAPTER=gpu (src/testing/chromium.ts: the hardware adapter), WEBGPU_USERS (users per batch, default 64),
// WEBGPU_HIDDEN (default 128), WEBGPU_MAXLEN (events per user, default 256), WEBGPU_BATCHES (timed batches after one
// warm-up, default 2), WEBGPU_MODELS (default "gru,transformer"), WEBGPU_PASS (rows×cols, default 6040x3706),
// WEBGPU_PASS_RUNS (default 7), WEBGPU_DUAL (rows×cols of the offline Dual solve, default 300x200; α = 0.05, β = α/2),
// WEBGPU_DECODER (rows×V of one decoder chunk, default 1024x3707; width WEBGPU_HIDDEN), WEBGPU_DECODER_RUNS (default 5),
// WEBGPU_ATTENTION (sequences×positions of the attention, default WEBGPU_USERS x WEBGPU_MAXLEN; width WEBGPU_HIDDEN in
// 2 heads), WEBGPU_ATTENTION_RUNS (default 5).
import os from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { ROOT, summarize, table, type Bench } from './lib';
import type { AttentionShape, DecoderShape, DualTiming, PassShape, PassTiming, TrainShape } from './webgpu.page';
import { chromiumLaunch } from '../src/testing/chromium';
import { openBundle } from '../src/testing/pageBundle';

const env = (k: string, d: string) => process.env[k] ?? d;

/** Calls webgpuBench[fn](arg) in the page (a string: tsx would inject helpers the page does not have). */
const call = <T>(page: Page, fn: string, arg?: unknown): Promise<T> =>
  page.evaluate(`webgpuBench.${fn}(${arg === undefined ? '' : JSON.stringify(arg)})`) as Promise<T>;

const median = (xs: number[]) => summarize(xs).median;

const bench: Bench = {
  name: 'webgpu',
  title: 'WebGPU in Chromium: training batches and the planner pass against WASM',
  async run() {
    const kinds = env('WEBGPU_MODELS', 'gru,transformer').split(',') as TrainShape['kind'][];
    const shape = {
      users: Number(env('WEBGPU_USERS', '64')),
      hidden: Number(env('WEBGPU_HIDDEN', '128')),
      maxLen: Number(env('WEBGPU_MAXLEN', '256')),
      batches: Number(env('WEBGPU_BATCHES', '2')),
    };
    const [rows, cols] = env('WEBGPU_PASS', '6040x3706').split('x').map(Number);
    const pass: PassShape = { rows, cols, runs: Number(env('WEBGPU_PASS_RUNS', '7')) };
    const [dRows, dCols] = env('WEBGPU_DUAL', '300x200').split('x').map(Number);
    const [decRows, decV] = env('WEBGPU_DECODER', '1024x3707').split('x').map(Number);
    const dec = { rows: decRows, v: decV, dim: shape.hidden, runs: Number(env('WEBGPU_DECODER_RUNS', '5')) };
    const [attB, attT] = env('WEBGPU_ATTENTION', `${shape.users}x${shape.maxLen}`).split('x').map(Number);
    const att = { b: attB, t: attT, hidden: shape.hidden, runs: Number(env('WEBGPU_ATTENTION_RUNS', '5')) };
    const load0 = os.loadavg()[0];
    const browser = await chromium.launch(chromiumLaunch());
    try {
      const page = await browser.newPage();
      page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
      await openBundle(page, join(ROOT, 'bench', 'webgpu.page.ts'));
      const adapter = await call<{ name: string; software: boolean } | null>(page, 'adapter');
      if (!adapter) throw new Error('this Chromium offers no WebGPU adapter (see src/testing/chromium.ts)');
      console.log(`adapter: ${adapter.name}${adapter.software ? ' (software)' : ''}`);
      const gpuNote = adapter.software ? 'functional, software adapter' : '';

      const out: (string | number)[][] = [];
      const wasm: Record<string, number> = {};
      const row = (what: string, impl: string, ms: number, note: string) => {
        const ratio = wasm[what] ? wasm[what] / ms : NaN;
        out.push([what, impl, ms, Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '', note]);
        console.log(out[out.length - 1].join(' | '));
      };
      // WASM first (the unit of each row), then WebGPU on the same shapes.
      let threads = 1;
      /** Σ of the row sums by each pass implementation: equal up to f32 rounding and the cut-off. */
      const totals: number[] = [];
      /** The decoder chunk's loss by each path: equal up to f32 rounding. */
      const decoderLosses: number[] = [];
      /** Σ of the attention's gradient by each path: equal up to f32 rounding. */
      const attentionTotals: number[] = [];
      for (const backend of ['wasm', 'webgpu']) {
        const used = await call<{ backend: string; threads: number }>(page, 'use', backend);
        if (backend === 'wasm') threads = used.threads;
        const impl = backend === 'wasm' ? `tfjs-wasm (${threads} thread${threads > 1 ? 's' : ''})` : 'tfjs-webgpu';
        const note = backend === 'webgpu' ? gpuNote : '';
        // On WebGPU the decoder and the attention both in tfjs ops and as WGSL kernels (the ops first: the kernels'
        // rows say the ratio).
        const kernelNote = (opsMs: number, ms: number) =>
          [`${(opsMs / ms).toFixed(2)}× the speed of tfjs-webgpu's ops`, note].filter(Boolean).join('; ');
        for (const kind of kinds) {
          const what = `${kind === 'gru' ? 'GRU' : 'Transformer'} training batch`;
          const trainMs = async (kernels: boolean) =>
            median((await call<{ seconds: number[] }>(page, 'train', { kind, ...shape, kernels })).seconds) * 1000;
          if (backend === 'wasm') {
            wasm[what] = await trainMs(true);
            row(what, `${impl}, its kernels (decoder: SIMD; attention: JS)`, wasm[what], '');
            continue;
          }
          const opsMs = await trainMs(false);
          row(what, `${impl}, decoder${kind === 'gru' ? '' : ' and attention'} in tfjs ops`, opsMs, note);
          const ms = await trainMs(true);
          row(what, `${impl}, WGSL kernels (decoder${kind === 'gru' ? '' : ', attention'})`, ms, kernelNote(opsMs, ms));
        }
        const attWhat = 'causal attention, value and gradient';
        const attention = async (kernel: boolean) => {
          const a = await call<PassTiming>(page, 'attention', { ...att, kernel } satisfies AttentionShape);
          attentionTotals.push(a.total);
          return median(a.ms);
        };
        if (backend === 'wasm') {
          wasm[attWhat] = await attention(true);
          row(attWhat, `${impl}, JS kernel (attention.ts)`, wasm[attWhat], '');
        } else {
          const opsMs = await attention(false);
          row(attWhat, `${impl}, tfjs ops (mask, softmax, autodiff)`, opsMs, note);
          const ms = await attention(true);
          row(attWhat, `${impl}, WGSL causal softmax (attentionKernelGpu.ts)`, ms, kernelNote(opsMs, ms));
        }
        const decWhat = 'decoder chunk, loss and gradients';
        const decoder = async (kernel: boolean) => {
          const d = await call<PassTiming>(page, 'decoder', { ...dec, kernel } satisfies DecoderShape);
          decoderLosses.push(d.total);
          return median(d.ms);
        };
        if (backend === 'wasm') {
          wasm[decWhat] = await decoder(true);
          row(decWhat, `${impl}, SIMD kernel (decoderKernel.wat)`, wasm[decWhat], '');
          row(decWhat, `${impl}, tfjs ops`, await decoder(false), '');
        } else {
          const opsMs = await decoder(false);
          row(decWhat, `${impl}, tfjs ops`, opsMs, note);
          const ms = await decoder(true);
          row(decWhat, `${impl}, WGSL kernel (decoderKernelGpu.ts)`, ms, kernelNote(opsMs, ms));
        }
        const p = await call<PassTiming>(page, 'passTfjs', pass);
        if (backend === 'wasm') wasm['planner pass'] = median(p.ms);
        row('planner pass', `${impl}, tfjs ops (no cut-off)`, median(p.ms), note);
        if (backend === 'webgpu') {
          const sh = await call<PassTiming>(page, 'passShader', pass);
          row('planner pass', 'WGSL compute shaders (workers/gpuPass.ts)', median(sh.ms), note);
          totals.push(sh.total);
        }
        totals.push(p.total);
        if (backend === 'wasm') {
          const js = await call<PassTiming>(page, 'passJs', pass);
          row('planner pass', 'JS (core softPass, logit cut-off: the CPU path)', median(js.ms), '');
          totals.push(js.total);
        }
      }
      // The offline Dual whole: the CPU solve (the unit of its rows), then dualPassed.ts on the JS and the WGSL pass.
      const dualWhat = 'offline Dual solve';
      const dualNote = (d: DualTiming) => `${d.passes} passes; objective ${d.objective.toFixed(2)}`;
      for (const how of ['cpu', 'js', 'webgpu'] as const) {
        const d = await call<DualTiming>(page, 'dual', { rows: dRows, cols: dCols, alpha: 0.05, how });
        if (how === 'cpu') wasm[dualWhat] = d.ms;
        const impl = {
          cpu: 'JS, CPU solve (dual.ts: sampled epochs, active set)',
          js: 'JS pass, batched Newton (dualPassed.ts)',
          webgpu: 'WGSL pass (gpuPass.ts), batched Newton (dualPassed.ts)',
        }[how];
        row(
          dualWhat,
          impl,
          d.ms,
          how === 'cpu'
            ? 'objective ' + d.objective.toFixed(2)
            : `${dualNote(d)}${how === 'webgpu' && gpuNote ? `; ${gpuNote}` : ''}`,
        );
      }
      const load1 = os.loadavg()[0];
      return [
        `WebGPU adapter: **${adapter.name}**, ${adapter.software ? 'a software adapter: its rows are functional only, not a GPU figure' : 'a hardware adapter'}.`,
        `Training: one fit of ${shape.users} users (their last ${shape.maxLen} events) on the ML-1M-shaped synthetic world, hidden ${shape.hidden}, 2 layers,`,
        `full softmax over 3,707 tokens; median of ${shape.batches} batches after one warm-up batch, the decoder (and attention) as the backend's`,
        `kernels or in tfjs ops. Decoder chunk: decoderLoss's value and gradients for h, E and b over ${dec.rows} rows × ${dec.v} items, width`,
        `${dec.dim}, the loss and ∂/∂b read back; median of ${dec.runs} after one warm-up. Causal attention: value and gradient for`,
        `qkv of ${att.b} sequences × ${att.t} positions, width ${att.hidden} in 2 heads, the gradient read back; median of ${att.runs}.`,
        `Planner pass: row and column sums of`,
        `sigmoid((λ − u − v)/ε) over a ${rows} × ${cols} synthetic score matrix (the planner bench's), ε = 1e-4 · max λ, matrix resident`,
        `on the backend, both sums read back each run; median of ${pass.runs}. "× WASM": the WASM row's time over this row's`,
        `(above 1: faster than WASM; for the offline Dual, the CPU solve's time over this row's). Offline Dual: one annealed`,
        `solve (Algorithm 1, ε from τ to 1e-4·τ) on a ${dRows} × ${dCols} synthetic score matrix, α = 0.05, β = α/2, cold. Headless Chromium, one page, cross-origin isolated; 1-minute load ${load0.toFixed(1)} at the start,`,
        `${load1.toFixed(1)} at the end, on ${os.cpus().length} cores.`,
        '',
        table(['workload', 'implementation', 'ms (median)', '× WASM', 'note'], out),
        '',
        `Σπ over the matrix by each pass (a check that they computed the same sums): ${totals.map((t) => t.toFixed(2)).join(', ')}.`,
        `The decoder chunk's loss by each path (the same loss): ${decoderLosses.map((t) => t.toFixed(5)).join(', ')}.`,
        `Σ of the attention's gradient by each path (the same): ${attentionTotals.map((t) => t.toFixed(4)).join(', ')}.`,
        '',
        'On a machine with a GPU (Chromium with Vulkan and the GPU driver installed): `WEBGPU_ADAPTER=gpu npm run bench -- webgpu`',
        '(the ML-1M shape is the default; `CHROMIUM_PATH` names another Chromium, `CHROMIUM_EXTRA_ARGS` adds flags). The',
        'first line above must then name the GPU, not SwiftShader. A quick functional run anywhere:',
        '`WEBGPU_USERS=8 WEBGPU_HIDDEN=16 WEBGPU_MAXLEN=16 WEBGPU_BATCHES=1 WEBGPU_PASS=256x512 WEBGPU_DUAL=60x40 WEBGPU_DECODER=256x3707 WEBGPU_ATTENTION=8x64 npm run bench -- webgpu`.',
      ].join('\n');
    } finally {
      await browser.close();
    }
  },
};

export default bench;

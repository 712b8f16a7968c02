// Narrowest reproduction of why WebGPU failed the backend self-test in headless Chromium (SwiftShader adapter):
// tfjs 4.22's WebGPU dataSync() reads through a WebGPU canvas, which this Chromium cannot allocate (GPU log:
// "Could not find SharedImageBackingFactory … WebGPUSwapBufferProvider"). The read returns zeros, and shortly after
// the device is lost ("destroyed"), so every later op yields zeros and data() fails in mapAsync.
// Run: npx tsx bench/webgpu-readsync.ts  (no server: the page and the tfjs UMD bundles are served by routing).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../src/testing/chromium';

const require = createRequire(import.meta.url);
const bundles: Record<string, string> = {
  '/tf.js': readFileSync(require.resolve('@tensorflow/tfjs/dist/tf.min.js'), 'utf8'),
  '/tf-webgpu.js': readFileSync(
    require.resolve('@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js'),
    'utf8',
  ),
};
const browser = await chromium.launch(chromiumLaunch());
try {
  const page = await browser.newPage();
  // http://localhost is a secure origin, as WebGPU requires.
  await page.route('http://localhost/**', (r) => {
    const path = new URL(r.request().url()).pathname;
    const body = bundles[path] ?? '<!doctype html><script src="/tf.js"></script><script src="/tf-webgpu.js"></script>';
    return r.fulfill({ contentType: path.endsWith('.js') ? 'text/javascript' : 'text/html', body });
  });
  await page.goto('http://localhost/');
  // Plain JS, not a function: tsx would inject helpers (__name) the page does not have.
  const log = (await page.evaluate(`(async () => {
    const out = [];
    if (!(await tf.setBackend('webgpu'))) return ['webgpu did not start'];
    let lost = 'no';
    tf.backend().device.lost.then((i) => (lost = i.reason + ': ' + i.message));
    // 2000 elements: above the 1000-element threshold under which tfjs WebGPU runs small ops on the CPU.
    const make = () => tf.add(tf.range(0, 2000, 1, 'float32'), 0.5);
    const wrong = (v) => v.filter((x, i) => x !== i + 0.5).length;
    out.push('data():     ' + wrong(await make().data()) + ' of 2000 values wrong; device lost: ' + lost);
    const s = make().dataSync();
    out.push('dataSync(): ' + wrong(s) + ' of 2000 values wrong (first: ' + s[0] + ', ' + s[1] + '); device lost: ' + lost);
    await new Promise((r) => setTimeout(r, 300));
    out.push('300 ms later, device lost: ' + lost);
    try {
      out.push('data():     ' + wrong(await make().data()) + ' of 2000 values wrong');
    } catch (e) {
      out.push('data():     ' + e.message);
    }
    return out;
  })()`)) as string[];
  console.log(log.join('\n'));
} finally {
  await browser.close();
}

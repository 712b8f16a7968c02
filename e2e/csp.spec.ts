import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app';
import { PlannerPanel } from './pages/planner';

/** The hash of the empty text: plotly's one <style> element, which it fills through the CSSOM (vite.config.ts). */
const EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/**
 * What each directive may list: the page's own origin, blob:/data: where the app makes such URLs (workers, exported
 * files, images), WASM compilation for tfjs. Never a host, a scheme like https:, '*', 'unsafe-eval' or 'unsafe-inline'.
 */
const ALLOWED: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'", 'blob:', 'data:'],
  'img-src': ["'self'", 'data:', 'blob:'],
  'style-src': ["'self'", EMPTY_STYLE],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** Directives that must be there: without one, default-src (or nothing, for base-uri and form-action) decides. */
const REQUIRED = ['default-src', 'script-src', 'style-src', 'worker-src', 'img-src', 'connect-src', 'object-src'];

/** Source expressions that open the page to other origins or to code from strings. */
const NEVER = /^(\*|https?:|wss?:|'unsafe-eval'|'unsafe-inline'|'unsafe-hashes'|'strict-dynamic')$|[.*]|:\/\//;

function parsePolicy(html: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  expect(m, 'the built page carries its Content-Security-Policy').not.toBeNull();
  const policy = new Map<string, string[]>();
  for (const part of m![1].split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) policy.set(name, sources);
  }
  return policy;
}

test('the served page allows only its own origin: each CSP directive lists only what the app needs', async ({
  request,
}) => {
  const policy = parsePolicy(await (await request.get('/')).text());
  for (const d of REQUIRED) expect(policy.has(d), `${d} is set`).toBe(true);
  for (const [d, sources] of policy) {
    expect(Object.keys(ALLOWED), `unexpected directive ${d}`).toContain(d);
    for (const s of sources) {
      // A base64 hash holds '+' and '/', never '.', '*' or '://': only hosts and wildcards match.
      if (s !== EMPTY_STYLE) expect(s, `${d} ${s}`).not.toMatch(NEVER);
      expect(ALLOWED[d], `${d} ${s}`).toContain(s);
    }
  }
});

/** Collects the page's CSP violations from its first script on. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    type Violation = { effectiveDirective: string; blockedURI: string };
    const g = globalThis as unknown as {
      __csp: string[];
      document: { addEventListener(type: string, f: (e: Violation) => void): void };
    };
    g.__csp = [];
    g.document.addEventListener('securitypolicyviolation', (e) =>
      g.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`),
    );
  });
  return () => page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp);
}

test('the app runs without a CSP violation, and the policy blocks a request to another origin and inline script', async ({
  page,
}) => {
  const violations = await watchViolations(page);
  const app = new AppPage(page);
  await app.open();
  // What injects styles, images and workers: the plots (plotly), the results, the run and planner workers.
  await expect(app.resultsTable('item_rec')).toBeVisible();
  const planner = new PlannerPanel(page);
  await planner.waitForCurves();
  await page.getByTestId('planner.plot.curves').hover();
  await app.setMu(5);
  await expect(app.bayes).toBeVisible();
  expect(await violations()).toEqual([]);

  // Another origin (a closed port on this machine: nothing leaves it even if the policy failed).
  const fetched = await page.evaluate(() =>
    fetch('http://127.0.0.2:9/leak').then(
      () => 'sent',
      () => 'blocked',
    ),
  );
  expect(fetched).toBe('blocked');
  await page.evaluate(() => {
    type El = { textContent: string };
    const doc = (globalThis as unknown as { document: { createElement(t: string): El; head: { append(e: El): void } } })
      .document;
    const s = doc.createElement('script');
    s.textContent = 'globalThis.__inlineRan = true';
    doc.head.append(s);
  });
  expect(await page.evaluate(() => (globalThis as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
  await expect.poll(violations).toEqual(['connect-src http://127.0.0.2:9/leak', 'script-src-elem inline']);
});

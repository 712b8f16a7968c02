import type { Page } from '@playwright/test';

/** Collects the page's CSP violations from its first script on. */
export async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
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

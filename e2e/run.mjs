// E2E test runner: serves dist/ from this process, runs every test in e2e/tests/*.mjs
// against headless Chromium, prints pass/fail per test and exits non-zero on any failure.
//
//   node e2e/run.mjs [filter...]     (run through `cargo xtask test`, after `cargo xtask build`)
//
// A test file exports async functions `(page, t) => {}`; each gets a fresh browser
// profile. `t` holds: url (the app's index), origin, requests (every URL the browser
// requested), consoleErrors, pageErrors, context (the Playwright BrowserContext),
// artifacts (the directory for extra screenshots or files a test wants to keep).
// Throw (e.g. node:assert) to fail. A screenshot of every test's final page goes to
// artifacts/e2e/<file>--<test>.png. Env: DIST (default dist/), CHROMIUM, E2E_TIMEOUT_MS.
import { readdir, mkdir, access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serveDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const dist = path.resolve(repo, process.env.DIST ?? 'dist');
const artifacts = path.join(repo, 'artifacts', 'e2e');
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 30_000);
const filters = process.argv.slice(2);

try {
  await access(path.join(dist, 'index.html'));
} catch {
  console.error(`e2e: ${dist}/index.html is missing: run \`cargo xtask build\` first`);
  process.exit(2);
}
await mkdir(artifacts, { recursive: true });

const testsDir = path.join(here, 'tests');
const files = (await readdir(testsDir)).filter((f) => f.endsWith('.mjs')).sort();
const server = await serveDir(dist);
console.log(`e2e: serving ${dist} at ${server.url}`);

let passed = 0;
let failed = 0;
for (const file of files) {
  const module = await import(pathToFileURL(path.join(testsDir, file)).href);
  for (const [name, fn] of Object.entries(module)) {
    if (typeof fn !== 'function') continue;
    const id = `${file.replace(/\.mjs$/, '')} › ${name}`;
    if (filters.length && !filters.some((f) => id.includes(f))) continue;
    const started = Date.now();
    const browser = await launch();
    const t = {
      url: server.url,
      origin: server.origin,
      context: browser.context,
      artifacts,
      requests: [],
      consoleErrors: [],
      pageErrors: [],
      artifacts,
    };
    browser.context.on('request', (r) => t.requests.push(r.url()));
    browser.page.on('console', (m) => m.type() === 'error' && t.consoleErrors.push(m.text()));
    browser.page.on('pageerror', (e) => t.pageErrors.push(String(e)));
    let error;
    let timer;
    try {
      await Promise.race([
        fn(browser.page, t),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (e) {
      error = e;
    } finally {
      clearTimeout(timer);
    }
    const shot = path.join(artifacts, `${file.replace(/\.mjs$/, '')}--${name}.png`);
    await browser.page.screenshot({ path: shot, fullPage: true, timeout: 5_000 }).catch(() => {});
    await browser.close();
    const ms = Date.now() - started;
    if (error) {
      failed++;
      console.log(`FAIL ${id} (${ms} ms)\n     ${String(error?.stack ?? error).split('\n').join('\n     ')}`);
      if (t.pageErrors.length) console.log(`     page errors: ${t.pageErrors.join(' | ')}`);
      console.log(`     screenshot: ${path.relative(repo, shot)}`);
    } else {
      passed++;
      console.log(`ok   ${id} (${ms} ms)`);
    }
  }
}
await server.close();

if (passed + failed === 0) {
  console.error('e2e: no test matched: nothing ran');
  process.exit(1);
}
console.log(`\ne2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

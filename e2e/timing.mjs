// Load-time benchmark: navigation start -> usable console (the input named "Command" is
// visible and enabled), for dist/ and for the blank Yew baseline, in the same run.
// Each load is cold (fresh browser profile); the two apps alternate so drift hits both.
// Prints every sample, both medians and the ratio; exits 1 if app/baseline > budget.
//
//   node e2e/timing.mjs [--runs 10] [--budget 1.5]   (or `cargo xtask bench-web`)
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    budget: { type: 'string', default: '1.5' },
    app: { type: 'string', default: path.join(repo, 'dist') },
    baseline: { type: 'string', default: path.join(repo, 'bench', 'blank-yew', 'dist') },
  },
});
const runs = Number(opts.runs);
const budget = Number(opts.budget);

// Runs in the page before any of its scripts: records performance.now() (ms since
// navigation start) the first time the Command input is visible and enabled.
function probe() {
  const check = () => {
    if (window.__usableAt !== undefined) return;
    const input = document.querySelector('input[aria-label="Command"]');
    if (input && !input.disabled && input.getClientRects().length > 0 && getComputedStyle(input).visibility !== 'hidden') {
      window.__usableAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

async function measure(url) {
  const browser = await launch();
  try {
    await browser.context.addInitScript(probe);
    await browser.page.goto(url, { waitUntil: 'commit' });
    await browser.page.waitForFunction(() => window.__usableAt !== undefined, null, { timeout: 30_000 });
    return await browser.page.evaluate(() => window.__usableAt);
  } finally {
    await browser.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const dir of [opts.app, opts.baseline]) {
  try {
    await access(path.join(dir, 'index.html'));
  } catch {
    console.error(`timing: ${dir}/index.html is missing: run \`cargo xtask bench-web\` (builds both)`);
    process.exit(2);
  }
}
const targets = [
  { name: 'app (dist/)', server: await serveDir(opts.app), samples: [] },
  { name: 'blank Yew baseline', server: await serveDir(opts.baseline), samples: [] },
];
await measure(targets[0].server.url); // warm-up: first Chromium start of the run, discarded
for (let i = 0; i < runs; i++) {
  const order = i % 2 ? [...targets].reverse() : targets;
  for (const target of order) target.samples.push(await measure(target.server.url));
}
for (const target of targets) await target.server.close();

for (const { name, samples } of targets) {
  console.log(`${name.padEnd(20)} median ${median(samples).toFixed(1).padStart(7)} ms   samples: ${samples.map((x) => x.toFixed(0)).join(' ')}`);
}
const ratio = median(targets[0].samples) / median(targets[1].samples);
const verdict = ratio <= budget ? 'PASS' : 'FAIL';
console.log(`ratio app/baseline: ${ratio.toFixed(2)}x (budget ${budget}x): ${verdict}`);
process.exit(verdict === 'PASS' ? 0 : 1);

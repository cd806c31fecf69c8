// Console latency with a long transcript: fills the console with 5,000 (or --lines)
// lines (2,500 pipelined NOOPs and their replies), then measures the time
// from pressing Enter on one more command to its reply being painted
// (the next animation frame after the reply appears in the DOM).
// Prints every sample and the median; exits 1 if the median is over the
// budget (a visible stall).
//
//   node e2e/console-latency.mjs [--runs 10] [--lines 5000] [--budget-ms 100]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveDir } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    lines: { type: 'string', default: '5000' },
    'budget-ms': { type: 'string', default: '100' },
  },
});
const runs = Number(opts.runs);
const wanted = Number(opts.lines);
const budget = Number(opts['budget-ms']);

const server = await serveDir(path.join(repo, 'dist'));
const browser = await launch();
const page = browser.page;
try {
  await page.goto(server.url);
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.waitFor({ state: 'visible' });
  await input.fill('telnet localhost smtp');
  await input.press('Enter');
  // One paste of many NOOPs: each gives a "C:" line and a reply line.
  const noops = Math.ceil((wanted - 5) / 2);
  await page.evaluate((count) => {
    const data = new DataTransfer();
    data.setData('text', 'NOOP\n'.repeat(count));
    const field = document.getElementById('command-input');
    field.focus();
    field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, noops);
  await page.waitForFunction((n) => document.querySelectorAll('[role=log] .line').length >= n, wanted, { timeout: 60_000 });
  const lines = await page.evaluate(() => document.querySelectorAll('[role=log] .line').length);

  const samples = [];
  for (let i = 0; i < runs; i++) {
    const ms = await page.evaluate(async (tag) => {
      const log = document.querySelector('[role=log]');
      const field = document.getElementById('command-input');
      const before = log.querySelectorAll('.reply').length;
      const painted = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (log.querySelectorAll('.reply').length > before) {
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now()));
          }
        });
        observer.observe(log, { childList: true, subtree: true });
      });
      // Set the value the way typing does, then press Enter.
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      setter.call(field, `NOOP ${tag}`);
      field.dispatchEvent(new InputEvent('input', { bubbles: true }));
      const start = performance.now();
      field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      return (await painted) - start;
    }, i);
    samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(`console latency with ${lines} transcript lines: Enter -> reply painted`);
  console.log(`  samples (ms): ${samples.map((s) => s.toFixed(1)).join(', ')}`);
  console.log(`  median: ${median.toFixed(1)} ms (budget ${budget} ms)`);
  if (median > budget) {
    console.log('  FAIL: a visible stall');
    process.exitCode = 1;
  } else {
    console.log('  PASS');
  }
} finally {
  await browser.close();
  await server.close();
}

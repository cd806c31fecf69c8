// Accessibility: axe-core on every page (and every side-panel tab), with no
// serious or critical violation, nor any of the structure rules a review
// found broken (heading order, landmarks, the page's h1).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Moderate rules that are checked too: each was once broken here. */
const ALSO = new Set(['heading-order', 'landmark-unique', 'landmark-one-main', 'page-has-heading-one']);

/** Runs axe in the page; returns the serious and critical violations (and ALSO's) as text. */
async function seriousViolations(page) {
  // Evaluated through the devtools protocol, so the pages' strict CSP does not block it.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || ALSO.has(v.id))
    .map((v) => `${v.id} (${v.impact}) x${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function ready(page, url) {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Command' }).first().waitFor();
}

/** The sandbox, with each tab open and a session in the console. */
export async function sandboxHasNoSeriousViolations(page, t) {
  await ready(page, t.url);
  const input = page.getByRole('textbox', { name: 'Command' });
  for (const line of ['telnet localhost smtp', 'EHLO x', 'RCPT TO:<bob@example.com>']) {
    await input.fill(line);
    await input.press('Enter');
  }
  const found = [];
  for (const tab of ['Explain', 'Transcript', 'Commands', 'Mailboxes', 'Settings']) {
    await page.getByRole('tab', { name: tab }).click();
    found.push(...(await seriousViolations(page)).map((v) => `${tab}: ${v}`));
  }
  assert.deepEqual(found, []);
}

/** The classroom, with a lesson open and the lesson list shown. */
export async function classroomHasNoSeriousViolations(page, t) {
  await ready(page, t.url + '#lesson=first-message');
  await page.getByRole('region', { name: 'Lesson' }).waitFor();
  const found = await seriousViolations(page);
  await page.getByRole('tab', { name: 'Lessons' }).click();
  found.push(...(await seriousViolations(page)));
  // The classroom carries the mail network and its sequence diagram.
  await page.getByRole('tab', { name: 'Diagram' }).click();
  found.push(...(await seriousViolations(page)).map((v) => `Diagram: ${v}`));
  // And its DNS, editable: a network lesson lists every zone.
  // A new document: a change of the fragment alone would not reopen the page.
  await page.goto('about:blank');
  await page.goto(t.url + '#lesson=spf-publish');
  await page.getByRole('region', { name: 'Lesson' }).waitFor();
  await page.getByRole('tab', { name: 'DNS' }).click();
  await page.getByRole('heading', { name: /^isp\.example/ }).waitFor();
  found.push(...(await seriousViolations(page)).map((v) => `DNS: ${v}`));
  assert.deepEqual(found, []);
}

/** The widget pages (demo, events, click-to-load) and the iframe page. */
export async function widgetPagesHaveNoSeriousViolations(page, t) {
  const found = [];
  // The network widget with its mailboxes and sequence panels, after a delivery.
  const relay = ['telnet mx1.example.org 25', 'EHLO me', 'MAIL FROM:<you@isp.example>', 'RCPT TO:<bob@example.org>', 'DATA', 'Subject: Hi', '', 'Hello.', '.', 'QUIT'];
  const network = `embed.html?network&panels=mailboxes%20sequence&script=${encodeURIComponent(relay.join('\n'))}`;
  for (const url of ['demo.html', 'embed.html?profile=strict&script=EHLO%20x', 'embed.html?lesson=first-message', network, 'widget-events.html']) {
    await ready(page, t.url + url);
    if (url === network) {
      await page.getByRole('heading', { name: 'mx1.example.org' }).waitFor();
      await page.locator('.diagram svg').waitFor();
    }
    await page.waitForTimeout(300);
    found.push(...(await seriousViolations(page)).map((v) => `${url}: ${v}`));
  }
  // A click-to-load widget before the click: its script and the start button.
  await page.goto(t.url + 'widget-click.html');
  await page.getByRole('button', { name: 'Start the console' }).waitFor();
  found.push(...(await seriousViolations(page)).map((v) => `widget-click.html: ${v}`));
  assert.deepEqual(found, []);
}

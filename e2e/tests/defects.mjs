// Issue 14: defects found by trying the landed app as a new user would.
// Each test failed before its fix.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../lib/browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtin = JSON.parse(await readFile(path.join(repo, 'crates/smtplab-lessons/lessons/builtin.json'), 'utf8'));
const examplePackPath = path.join(repo, 'docs/examples/example-pack.json');

async function send(scope, line) {
  const input = scope.getByRole('textbox', { name: 'Command' });
  await input.fill(line);
  await input.press('Enter');
}

function log(scope) {
  return scope.getByRole('log', { name: 'Transcript' });
}

async function replyCodes(scope) {
  const texts = await log(scope).locator('.reply .text').allTextContents();
  return texts.map((t) => Number(t.slice(0, 3)));
}

function shot(t, name) {
  return path.join(t.artifacts, `${name}.png`);
}

/** 1. A played solution never ticks or saves the lesson, the export says it was shown, and the learner's typing comes back. */
export async function solutionIsNeverAPass(page, t) {
  const lesson = builtin.lessons[0];
  await page.goto(`${t.url}#lesson=${lesson.id}`);
  const panel = page.getByRole('region', { name: 'Lesson' });
  await panel.getByRole('heading', { name: lesson.title }).waitFor();
  await send(page, 'telnet localhost smtp');
  await send(page, 'EHLO my-own-typing.example');
  await panel.getByRole('button', { name: 'Show solution' }).click();
  for (;;) {
    const next = panel.getByRole('button', { name: /^Solution: next step/ });
    if ((await next.count()) === 0) break;
    await next.click();
  }
  await panel.getByText(/The reference solution meets every goal/).waitFor();
  assert.equal(await panel.getByText('Lesson complete! Every goal is met.').count(), 0);
  await page.screenshot({ path: shot(t, 'solution-shown'), fullPage: true });
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByText(/0 of \d+ done/).first().waitFor();
  // The export is the learner's own typing, marked.
  await panel.getByRole('button', { name: 'Export attempt' }).click();
  const attempt = await page.getByRole('textbox', { name: 'Attempt' }).inputValue();
  assert.match(attempt, /\nsolution: shown\n/);
  assert.match(attempt, /> EHLO my-own-typing\.example\n/);
  // And the typing is back on screen.
  await panel.getByRole('button', { name: 'Back to my attempt' }).click();
  await log(page).getByText('EHLO my-own-typing.example').waitFor();
  // Typed to the end after seeing the solution: still not a pass.
  for (const line of lesson.solution[0]) await send(page, line);
  await panel.getByText(/you saw the solution/i).waitFor();
  await page.reload();
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByText(/0 of \d+ done/).first().waitFor();
}

/** 2. A script that starts with an SMTP command connects first (iframe and element). */
export async function scriptStartingWithSmtpConnectsFirst(page, t) {
  await page.goto(t.url + 'embed.html?profile=strict&script=EHLO%20x');
  await log(page).getByText('250-mail.example.com').waitFor();
  assert.doesNotMatch(await log(page).textContent(), /command not found/);
  await page.goto(t.url + 'demo.html');
  await page.evaluate(() => {
    const lab = document.createElement('smtp-lab');
    lab.id = 'scripted';
    lab.setAttribute('script', 'EHLO y\nMAIL FROM:<alice@example.com>');
    document.querySelector('main').append(lab);
  });
  const scripted = page.locator('#scripted');
  await log(scripted).getByText('250 2.1.0 Ok').waitFor();
  assert.deepEqual(await replyCodes(scripted), [220, 250, 250]);
}

/** 3 and 5. Inside a lesson, "Share link" and "Embed this" reproduce the lesson's server; embed.html takes lesson=. */
export async function lessonShareAndEmbedKeepTheLesson(page, t) {
  const lesson = builtin.lessons.find((l) => l.id === 'dot-stuffing');
  await page.goto(`${t.url}#lesson=${lesson.id}`);
  const panel = page.getByRole('region', { name: 'Lesson' });
  await panel.getByRole('heading', { name: lesson.title }).waitFor();
  await send(page, 'telnet localhost smtp');
  await send(page, 'EHLO shared.example');
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  assert.ok(link.startsWith(`${t.url}#lesson=${lesson.id}&s=`), `a link to the lesson on the page: ${link}`);
  await page.getByRole('button', { name: 'Embed this' }).click();
  const snippet = await page.getByRole('textbox', { name: 'Embed snippet' }).inputValue();
  assert.match(snippet, new RegExp(`<smtp-lab lesson="${lesson.id}" script="telnet localhost smtp\nEHLO shared\\.example">`));
  const other = await t.context.newPage();
  await other.goto(link);
  await other.getByRole('region', { name: 'Lesson' }).getByRole('heading', { name: lesson.title }).waitFor();
  await log(other).getByText('EHLO shared.example').waitFor();
  assert.doesNotMatch(await other.locator('body').textContent(), /unknown profile/);
  const src = snippet.match(/<iframe title="smtplab" src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  await other.goto(src);
  await other.getByRole('region', { name: 'Lesson' }).getByRole('heading', { name: lesson.title }).waitFor();
  await log(other).getByText('EHLO shared.example').waitFor();
  await other.screenshot({ path: shot(t, 'embed-lesson'), fullPage: true });
  await other.close();
}

/** 4. A widget removed and put back (as frameworks do) keeps working. */
export async function widgetSurvivesRemoveAndReinsert(page, t) {
  await page.goto(t.url + 'demo.html');
  const strict = page.locator('#free-strict');
  await strict.getByRole('textbox', { name: 'Command' }).waitFor();
  await send(strict, 'telnet localhost smtp');
  await log(strict).getByText('220 mail.example.com').waitFor();
  // Moved within the page: the session goes on.
  await page.evaluate(() => {
    const el = document.getElementById('free-strict');
    document.querySelector('main').append(el);
  });
  await send(strict, 'EHLO moved.example');
  await log(strict).getByText('250-mail.example.com').waitFor();
  // Taken out for a while, then put back: it works again.
  await page.evaluate(async () => {
    const el = document.getElementById('free-strict');
    el.remove();
    await new Promise((r) => setTimeout(r, 200));
    document.querySelector('main').prepend(el);
  });
  await strict.getByRole('textbox', { name: 'Command' }).waitFor();
  await send(strict, 'telnet localhost smtp');
  await log(strict).getByText('220 mail.example.com').first().waitFor();
  assert.deepEqual(t.pageErrors, []);
}

/** Share links carry every settings toggle, not just the profile. */
export async function shareLinkCarriesToggles(page, t) {
  await page.goto(t.url);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('VRFY verifies users').uncheck();
  await page.getByLabel('PIPELINING').uncheck();
  await send(page, 'telnet localhost smtp');
  await send(page, 'VRFY alice');
  await log(page).getByText(/^252 /).waitFor();
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  const other = await t.context.newPage();
  await other.goto(link);
  await log(other).getByText(/^252 /).waitFor();
  assert.deepEqual(await replyCodes(other), [220, 252]);
  await other.getByRole('tab', { name: 'Settings' }).click();
  assert.equal(await other.getByLabel('VRFY verifies users').isChecked(), false);
  assert.equal(await other.getByLabel('PIPELINING').isChecked(), false);
  await other.close();
}

/** Copy/Share/Embed confirmations show where the learner is looking. */
export async function confirmationsAreInView(page, t) {
  await page.setViewportSize({ width: 375, height: 600 });
  await page.goto(t.url);
  await page.getByRole('textbox', { name: 'Command' }).waitFor();
  const share = page.getByRole('button', { name: 'Share link' });
  await share.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  assert.ok(await page.evaluate(() => window.scrollY) > 0, 'the page scrolled');
  for (const name of ['Share link', 'Embed this', 'Copy transcript']) {
    await page.getByRole('button', { name }).click();
    const notice = page.getByRole('status').filter({ hasText: /copied|Copying/ });
    await notice.waitFor();
    const box = await notice.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: innerHeight };
    });
    assert.ok(box.top >= 0 && box.bottom <= box.height, `${name}: notice at ${JSON.stringify(box)}`);
  }
  await page.screenshot({ path: shot(t, 'notice-in-view') });
}

/** Teacher packs from a file survive a reload; a missing pack is named as the pack. */
export async function teacherPackSurvivesReload(page, t) {
  const pack = JSON.parse(await readFile(examplePackPath, 'utf8'));
  await page.goto(t.url + '#tab=lessons');
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByText('For teachers: load a lesson pack').click();
  await page.getByLabel('Lesson pack file').setInputFiles(examplePackPath);
  await page.getByRole('status').getByText(`Loaded the teacher's pack "${pack.title}"`).waitFor();
  await page.goto(`${t.url}#lesson=${pack.id}/${pack.lessons[0].id}`);
  await page.reload();
  await page.getByRole('region', { name: 'Lesson' }).getByRole('heading', { name: pack.lessons[0].title }).waitFor();
  await page.goto(`${t.url}#lesson=no-such-pack/intro`);
  await page.reload();
  await page.getByRole('status').getByText(/lesson pack `no-such-pack` is not loaded/).waitFor();
  // The teacher can remove it again.
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByRole('button', { name: `Remove the pack ${pack.title}` }).click();
  await page.reload();
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByText(/\d+ of \d+ done/).first().waitFor();
  assert.equal(await page.getByRole('heading', { name: new RegExp(pack.title) }).count(), 0);
}

/** "Try it" says what it will do, connects first at the shell prompt, and stays out of message content. */
export async function tryItFollowsTheState(page, t) {
  await page.goto(t.url);
  await page.getByRole('tab', { name: 'Commands' }).click();
  const panel = page.getByRole('tabpanel');
  await panel.getByText(/connects with telnet localhost smtp first/).waitFor();
  await panel.getByRole('button', { name: 'Try VRFY' }).click();
  await log(page).getByText('220 mail.example.com').waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Command' }).inputValue(), 'VRFY alice');
  await page.getByRole('tab', { name: 'Commands' }).click();
  await panel.getByText(/puts the example in the command line/).waitFor();
  for (const line of ['MAIL FROM:<a@example.com>', 'RCPT TO:<bob@example.com>', 'DATA']) await send(page, line);
  await page.getByRole('tab', { name: 'Commands' }).click();
  await panel.getByText(/you are typing a message/i).waitFor();
  assert.equal(await panel.getByRole('button', { name: 'Try VRFY' }).isDisabled(), true);
}

/** Ctrl+C and Ctrl+] do what a terminal does. */
export async function ctrlCAndEscape(page, t) {
  await page.goto(t.url);
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.fill('half a comm');
  await input.press('Control+c');
  await log(page).getByText('$ half a comm^C').waitFor();
  assert.equal(await input.inputValue(), '');
  await send(page, 'telnet localhost smtp');
  await log(page).getByText('220 mail.example.com').waitFor();
  await input.press('Control+]');
  await log(page).getByText('telnet> quit').waitFor();
  await log(page).getByText('Connection closed.', { exact: true }).waitFor();
  assert.equal(await page.locator('.input-row .prompt').textContent(), '$');
  await send(page, 'nc localhost 25');
  await input.press('Control+c');
  await page.waitForFunction(() => document.querySelector('.input-row .prompt').textContent === '$');
}

/** BDAT typed by hand: the Enter's CRLF is not a stray command. */
export async function bdatTypedByHand(page, t) {
  await page.goto(t.url);
  for (const line of ['telnet localhost smtp', 'EHLO x', 'MAIL FROM:<a@example.com>', 'RCPT TO:<bob@example.com>', 'BDAT 5 LAST']) {
    await send(page, line);
  }
  await page.waitForFunction(() => document.querySelector('.input-row .prompt').textContent === 'chunk>');
  await send(page, 'hello');
  await log(page).getByText(/^250 2\.0\.0 Ok: queued/).waitFor();
  await log(page).getByText(/BDAT counts octets/).waitFor();
  await page.waitForTimeout(200);
  assert.ok(!(await replyCodes(page)).includes(500), `codes: ${await replyCodes(page)}`);
}

/** A lesson can be started over; "Reset progress" asks first. */
export async function startOverAndConfirmedReset(page, t) {
  const lesson = builtin.lessons[0];
  await page.goto(`${t.url}#lesson=${lesson.id}`);
  const panel = page.getByRole('region', { name: 'Lesson' });
  await panel.getByRole('heading', { name: lesson.title }).waitFor();
  await send(page, 'telnet localhost smtp');
  for (const line of lesson.solution[0]) await send(page, line);
  await panel.getByText('Lesson complete! Every goal is met.').waitFor();
  await panel.getByRole('button', { name: 'Start over' }).click();
  await page.waitForFunction(() => !document.querySelector('[role=log]').textContent.includes('220'));
  assert.equal(await panel.getByText('Lesson complete!').count(), 0);
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByText(/1 of \d+ done/).first().waitFor();
  await page.getByRole('button', { name: 'Reset progress' }).click();
  await page.getByRole('button', { name: 'Yes, forget my progress' }).waitFor();
  await page.getByText(/1 of \d+ done/).first().waitFor();
  await page.screenshot({ path: shot(t, 'reset-confirm'), fullPage: true });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText(/1 of \d+ done/).first().waitFor();
  await page.getByRole('button', { name: 'Reset progress' }).click();
  await page.getByRole('button', { name: 'Yes, forget my progress' }).click();
  await page.getByText(/0 of \d+ done/).first().waitFor();
}

/** Markdown in a lesson introduction is rendered, as inert elements. */
export async function lessonMarkdownIsRendered(page, t) {
  const pack = JSON.parse(await readFile(examplePackPath, 'utf8'));
  pack.id = 'markdown-pack';
  pack.lessons[0].introduction = [
    'Send **one** message with *care*, see [RFC 5321](https://www.rfc-editor.org/rfc/rfc5321) and `MAIL FROM`.',
    '',
    '- first item',
    '- second <img src=x onerror="window.__pwned=true">',
  ];
  await page.goto(t.url + '#tab=lessons');
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByText('For teachers: load a lesson pack').click();
  await page.getByLabel('Lesson pack JSON').fill(JSON.stringify(pack));
  await page.getByRole('button', { name: 'Load pasted pack' }).click();
  await page.getByRole('button', { name: pack.lessons[0].title }).click();
  const intro = page.getByRole('region', { name: 'Lesson' }).locator('.intro');
  await intro.locator('strong').getByText('one').waitFor();
  await intro.locator('em').getByText('care').waitFor();
  assert.equal(await intro.getByRole('link', { name: 'RFC 5321' }).getAttribute('href'), 'https://www.rfc-editor.org/rfc/rfc5321');
  assert.equal(await intro.locator('ul > li').count(), 2);
  assert.equal(await intro.locator('img').count(), 0);
  assert.doesNotMatch(await intro.textContent(), /\*\*/);
  await page.screenshot({ path: shot(t, 'lesson-markdown'), fullPage: true });
}

/** A typo in the widget's profile or lesson attribute shows a clear error in the element. */
export async function widgetTyposAreShown(page, t) {
  await page.goto(t.url + 'demo.html');
  await page.evaluate(() => {
    for (const [id, name, value] of [['typo-profile', 'profile', 'stirct'], ['typo-lesson', 'lesson', 'no-such-lesson']]) {
      const lab = document.createElement('smtp-lab');
      lab.id = id;
      lab.setAttribute(name, value);
      document.querySelector('main').prepend(lab);
    }
  });
  await page.locator('#typo-profile').getByText(/unknown profile `stirct`/).waitFor();
  await page.locator('#typo-lesson').getByText(/no built-in lesson `no-such-lesson`/).waitFor();
  await page.locator('#typo-profile').screenshot({ path: shot(t, 'widget-typo') });
}

/** Without JavaScript the pages say so; while the wasm loads they say that. */
export async function noscriptAndLoading(page, t) {
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(t.url, { waitUntil: 'domcontentloaded' });
  await page.getByText(/Loading smtplab/).waitFor();
  await page.screenshot({ path: shot(t, 'loading') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const off = await context.newPage();
    for (const name of ['', 'lessons.html', 'demo.html', 'embed.html', 'widget-events.html']) {
      await off.goto(t.url + name);
      await off.getByText(/needs JavaScript/).first().waitFor();
    }
  } finally {
    await browser.close();
  }
}

/** The command table does not break words, at desktop and phone widths. */
export async function commandTableKeepsWordsWhole(page, t) {
  for (const width of [1024, 375]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(t.url);
    await page.getByRole('tab', { name: 'Commands' }).click();
    const table = page.getByRole('table', { name: 'SMTP commands' });
    await table.waitFor();
    const broken = await table.evaluate((root) => {
      const found = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.textContent.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (tops.size > 1) found.push(match[0]);
        }
      }
      return found;
    });
    assert.deepEqual(broken, [], `words broken at ${width}px`);
    // A wide table scrolls in its own box; the page itself never scrolls sideways.
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(pageWidth <= width, `the page is ${pageWidth}px wide at ${width}px`);
    await page.screenshot({ path: shot(t, `commands-${width}`), fullPage: true });
  }
}

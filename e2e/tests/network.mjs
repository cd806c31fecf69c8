// The mail network in the browser: DNS lookups, delivering to an MX by
// hand, submission with AUTH on 587, sleep running the queues, per-host
// mailboxes with the Received chain, the sequence diagram and its SVG
// export; and network lessons completed by typing on the classroom page.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtin = JSON.parse(await readFile(path.join(repo, 'crates/smtplab-lessons/lessons/builtin.json'), 'utf8'));

async function open(page, url) {
  await page.goto(url);
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.waitFor({ state: 'visible', timeout: 10_000 });
}

async function send(page, line) {
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.fill(line);
  await input.press('Enter');
}

function log(page) {
  return page.getByRole('log', { name: 'Transcript' });
}

/** Waits until the console shows a line matching `pattern`. */
async function shown(page, pattern) {
  await log(page).getByText(pattern).first().waitFor();
}

const SUBMIT = [
  'telnet smtp.isp.example 587',
  'EHLO pc42.dsl.isp.example',
  'MAIL FROM:<you@isp.example>',
  'AUTH PLAIN AHlvdQBzZWNyZXQ=',
  'MAIL FROM:<you@isp.example>',
  'RCPT TO:<carol@example.org>',
  'DATA',
  'Subject: Two hops',
  '',
  'Through my provider.',
  '.',
  'QUIT',
];

/** dig, telnet to the MX, submission on 587, sleep, mailboxes with the route, the diagram. */
export async function deliverThroughTheNetwork(page, t) {
  await open(page, `${t.url}#app=full`);
  await send(page, 'dig MX example.org');
  await shown(page, /MX\s+10 mx1\.example\.org\./);
  await shown(page, /MX\s+20 mx2\.example\.org\./);
  // Straight to the preferred MX, by hand.
  await send(page, 'telnet mx1.example.org 25');
  await shown(page, 'Connected to mx1.example.org.');
  await shown(page, /^220 mx1\.example\.org/);
  for (const line of ['EHLO pc42.dsl.isp.example', 'MAIL FROM:<you@isp.example>', 'RCPT TO:<bob@example.org>', 'DATA', 'Subject: By hand', '', 'Hello Bob.', '.', 'QUIT']) {
    await send(page, line);
  }
  await shown(page, 'Connection closed by foreign host.');
  // Submission: 530 before AUTH, then relayed by the provider.
  for (const line of SUBMIT) await send(page, line);
  await shown(page, /^530 5\.7\.0/);
  await shown(page, /^235 /);
  // Mail to a switched-off domain waits in the queue; sleep runs it.
  for (const line of SUBMIT.slice(0, 4)) await send(page, line);
  for (const line of ['MAIL FROM:<you@isp.example>', 'RCPT TO:<info@down.example>', 'DATA', 'Subject: Anyone?', '', 'Hi', '.', 'QUIT']) {
    await send(page, line);
  }
  await send(page, 'sleep 1800');
  await shown(page, '(1800 seconds pass on the simulated clock.)');
  await shown(page, /\[mail\] smtp\.isp\.example: .*info@down\.example.*status=deferred/);
  await page.screenshot({ path: path.join(t.artifacts, 'network-console.png'), fullPage: true });

  // Carol's mailbox on mx1 holds the submitted message with two hops.
  await page.getByRole('tab', { name: 'Mailboxes' }).click();
  const panel = page.getByRole('tabpanel');
  await panel.getByRole('heading', { name: 'mx1.example.org' }).waitFor();
  await panel.getByRole('button', { name: /Two hops — from you@isp\.example/ }).click();
  const route = panel.getByRole('list', { name: 'Hops' }).getByRole('listitem');
  assert.equal(await route.count(), 2);
  assert.match(await route.nth(0).textContent(), /pc42\.dsl\.isp\.example.*203\.0\.113\.42.*smtp\.isp\.example.*ESMTPA/);
  assert.match(await route.nth(1).textContent(), /smtp\.isp\.example.*203\.0\.113\.10.*mx1\.example\.org.*ESMTP/);
  await page.screenshot({ path: path.join(t.artifacts, 'network-mailboxes.png'), fullPage: true });

  // The diagram: hosts as columns, the relay's arrows, an SVG to download.
  await page.getByRole('tab', { name: 'Diagram' }).click();
  const diagram = panel.locator('.diagram svg');
  await diagram.waitFor();
  const hosts = await diagram.locator('text.host').allTextContents();
  assert.deepEqual(hosts.slice(0, 3), ['pc42.dsl.isp.example', 'mx1.example.org', 'smtp.isp.example']);
  assert.match(await diagram.textContent(), /deferred: next try in/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export SVG' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'smtplab-network.svg');
  const saved = path.join(t.artifacts, 'network-diagram.svg');
  await download.saveAs(saved);
  assert.match(await readFile(saved, 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  await page.screenshot({ path: path.join(t.artifacts, 'network-diagram.png'), fullPage: true });
  assert.deepEqual(t.pageErrors, []);
}

/** What the learner types reaches the diagram as text, never as markup. */
export async function diagramLabelsAreText(page, t) {
  await open(page, `${t.url}#app=full`);
  await send(page, 'telnet mx1.example.org 25');
  await send(page, 'HELO <svg onload="window.__pwned=true"><script>window.__pwned=true</script>');
  await page.getByRole('tab', { name: 'Diagram' }).click();
  const diagram = page.getByRole('tabpanel').locator('.diagram svg');
  await diagram.waitFor();
  assert.match(await diagram.textContent(), /HELO <svg onload=/);
  assert.equal(await page.locator('.diagram script, .diagram svg svg').count(), 0);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
}

/** Unknown names and dead hosts fail with telnet's own words. */
export async function connectErrorsReadLikeTelnet(page, t) {
  await open(page, `${t.url}#app=full`);
  await send(page, 'telnet example.org 25');
  await shown(page, 'telnet: could not resolve example.org/25: Name or service not known');
  await shown(page, /dig MX example\.org/);
  await send(page, 'telnet mail.down.example 25');
  await shown(page, 'telnet: Unable to connect to remote host: Connection timed out');
  // localhost is still this machine's own server.
  await send(page, 'telnet localhost smtp');
  await shown(page, '220 mail.example.com ESMTP smtplab');
}

async function openLesson(page, t, id) {
  const lesson = builtin.lessons.find((l) => l.id === id);
  await page.goto(`${t.url}#lesson=${id}`);
  const panel = page.getByRole('region', { name: 'Lesson' });
  await panel.getByRole('heading', { name: lesson.title }).waitFor();
  return { lesson, panel };
}

/** find-the-mx, typed: dig, telnet to the MX, deliver. */
export async function findTheMxLessonByTyping(page, t) {
  const { lesson, panel } = await openLesson(page, t, 'find-the-mx');
  await send(page, 'dig MX example.org');
  await send(page, 'telnet mx1.example.org 25');
  for (const line of ['EHLO pc42.dsl.isp.example', 'MAIL FROM:<you@isp.example>', 'RCPT TO:<bob@example.org>', 'DATA', 'Subject: Found it', '', 'Hi Bob', '.', 'QUIT']) {
    await send(page, line);
  }
  await panel.getByText('Lesson complete! Every goal is met.').waitFor();
  assert.equal(await page.locator('.goal.met').count(), lesson.goals.length);
  await page.screenshot({ path: path.join(t.artifacts, 'network-lesson-find-the-mx.png'), fullPage: true });
}

/** backup-mx, typed: the primary times out, the backup queues, sleep delivers. */
export async function backupMxLessonByTyping(page, t) {
  const { panel } = await openLesson(page, t, 'backup-mx');
  await send(page, 'telnet mx1.example.org 25');
  await shown(page, 'telnet: Unable to connect to remote host: Connection timed out');
  await send(page, 'telnet mx2.example.org 25');
  for (const line of ['EHLO pc42.dsl.isp.example', 'MAIL FROM:<you@isp.example>', 'RCPT TO:<bob@example.org>', 'DATA', 'Subject: Backup', '', 'Hi', '.', 'QUIT']) {
    await send(page, line);
  }
  assert.equal(await panel.getByText('Lesson complete! Every goal is met.').count(), 0);
  await send(page, 'sleep 1800');
  await shown(page, /\[mail\] mx1\.example\.org: .*delivered to bob/);
  await panel.getByText('Lesson complete! Every goal is met.').waitFor();
  // The attempt records the connection by host and port.
  await panel.getByRole('button', { name: 'Export attempt' }).click();
  const attempt = await page.getByRole('textbox', { name: 'Attempt' }).inputValue();
  assert.match(attempt, /\nconnect mx2\.example\.org 25\n> EHLO pc42\.dsl\.isp\.example\n/);
  // Real seconds between typed lines count too, so the sleep may have grown.
  assert.match(attempt, /\nwait 18\d\d\n/);
}

/** bounce-and-dsn, typed: the report lands in your own mailbox at the provider. */
export async function bounceLessonByTyping(page, t) {
  const { panel } = await openLesson(page, t, 'bounce-and-dsn');
  for (const line of SUBMIT.slice(0, 4)) await send(page, line);
  for (const line of ['MAIL FROM:<you@isp.example>', 'RCPT TO:<nobody@example.org>', 'DATA', 'Subject: Hello?', '', 'Hi', '.', 'QUIT']) {
    await send(page, line);
  }
  await panel.getByText('Lesson complete! Every goal is met.').waitFor();
  await page.getByRole('tab', { name: 'Mailboxes' }).click();
  const mail = page.getByRole('tabpanel');
  await mail.getByRole('heading', { name: 'smtp.isp.example' }).waitFor();
  await mail.getByRole('button', { name: /Undelivered Mail Returned to Sender|from <>/ }).first().click();
  assert.match(await mail.locator('pre.raw').textContent(), /Action: failed/);
  await page.screenshot({ path: path.join(t.artifacts, 'network-lesson-bounce.png'), fullPage: true });
}

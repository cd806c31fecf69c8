// Email authentication lessons played as a learner would on the classroom
// page: typed SMTP, the DNS tab to change a policy (a bad record first,
// refused with its reason and the typing kept), and the next delivery's
// outcome changing with it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtin = JSON.parse(await readFile(path.join(repo, 'crates/smtplab-lessons/lessons/builtin.json'), 'utf8'));

async function send(page, line) {
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.fill(line);
  await input.press('Enter');
}

async function shown(page, pattern) {
  await page.getByRole('log', { name: 'Transcript' }).getByText(pattern).first().waitFor();
}

async function openLesson(page, t, id) {
  const lesson = builtin.lessons.find((l) => l.id === id);
  await page.goto(`${t.url}#lesson=${id}`);
  const panel = page.getByRole('region', { name: 'Lesson' });
  await panel.getByRole('heading', { name: lesson.title }).waitFor();
  return { lesson, panel };
}

const LOOKALIKE = [
  'telnet mx1.example.org 25',
  'EHLO pc42.dsl.isp.example',
  'MAIL FROM:<you@isp.example>',
  'RCPT TO:<bob@example.org>',
  'DATA',
  'From: Boss <boss@example.org>',
  'Subject: Urgent: pay this invoice',
  '',
  'Pay today, please.',
  '.',
  'QUIT',
];

/** dmarc-none-to-reject: p=none lets the look-alike in; edited to p=reject in the DNS tab, it is refused. */
export async function dmarcNoneToRejectLessonWithTheDnsTab(page, t) {
  const { lesson, panel } = await openLesson(page, t, 'dmarc-none-to-reject');
  await send(page, 'dig TXT _dmarc.example.org');
  await shown(page, /v=DMARC1; p=none/);
  for (const line of LOOKALIKE) await send(page, line);
  await shown(page, /^250 2\.0\.0 Ok: queued as/);
  await panel.locator('.goal.met').first().waitFor();

  // The DNS tab: edit the policy record; a typo first is refused and kept.
  await page.getByRole('tab', { name: 'DNS' }).click();
  const dns = page.getByRole('tabpanel');
  const row = dns.locator('li.dns-record', { hasText: '_dmarc.example.org.' });
  await row.getByRole('button', { name: 'Edit' }).click();
  const field = dns.getByRole('textbox', { name: 'The record, as a zone-file line' });
  const typo = '_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject';
  await field.fill(typo);
  await dns.getByRole('button', { name: 'Save' }).click();
  await dns.getByRole('alert').getByText(/Not a record: bad TXT data \(a quote is not closed\)/).waitFor();
  assert.equal(await field.inputValue(), typo, 'the typed record is kept');
  assert.equal(await dns.getByText('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=none"').count(), 0, 'still being edited');
  await field.fill('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject"');
  await dns.getByRole('button', { name: 'Save' }).click();
  await dns.getByText('_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject"').waitFor();
  assert.equal(await dns.getByRole('alert').count(), 0);
  await page.screenshot({ path: path.join(t.artifacts, 'auth-dns-tab.png'), fullPage: true });

  // The console says what changed, dig sees it, and the next delivery obeys it.
  await shown(page, '[dns] add _dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject"');
  await send(page, 'dig TXT _dmarc.example.org');
  await shown(page, /v=DMARC1; p=reject/);
  for (const line of LOOKALIKE) await send(page, line);
  await shown(page, /^550 5\.7\.1 Email rejected per DMARC policy for example\.org/);
  await panel.getByText('Lesson complete! Every goal is met.').waitFor();
  assert.equal(await page.locator('.goal.met').count(), lesson.goals.length);

  // The attempt records the change, so `smtplab check` replays it.
  await panel.getByRole('button', { name: 'Export attempt' }).click();
  const attempt = await page.getByRole('textbox', { name: 'Attempt' }).inputValue();
  assert.match(attempt, /\ndns delete _dmarc\.example\.org\. 3600 IN TXT "v=DMARC1; p=none"\ndns add _dmarc\.example\.org\. 3600 IN TXT "v=DMARC1; p=reject"\n/);
  await page.screenshot({ path: path.join(t.artifacts, 'auth-lesson-dmarc-none-to-reject.png'), fullPage: true });
}

function submitTo(to, subject) {
  return [
    'telnet smtp.isp.example 587',
    'EHLO pc42.dsl.isp.example',
    'AUTH PLAIN AHlvdQBzZWNyZXQ=',
    'MAIL FROM:<you@isp.example>',
    `RCPT TO:<${to}>`,
    'DATA',
    'From: You <you@isp.example>',
    `Subject: ${subject}`,
    '',
    'See you in June.',
    '.',
    'QUIT',
  ];
}

/** dkim-tamper: the forwarded copy passes DKIM, the list's copy shows a body hash mismatch in the mailbox view. */
export async function dkimTamperLessonShowsTheBodyHashes(page, t) {
  const { lesson, panel } = await openLesson(page, t, 'dkim-tamper');
  for (const line of submitTo('bob@alumni.example', 'For Bob only')) await send(page, line);
  for (const line of submitTo('friends@alumni.example', 'For the class')) await send(page, line);
  await panel.getByText('Lesson complete! Every goal is met.').waitFor();
  assert.equal(await page.locator('.goal.met').count(), lesson.goals.length);

  await page.getByRole('tab', { name: 'Mailboxes' }).click();
  const mail = page.getByRole('tabpanel');
  await mail.getByRole('heading', { name: 'mx1.example.org' }).waitFor();
  // The forwarded copy: the hashes match.
  await mail.getByRole('button', { name: /For Bob only/ }).click();
  const checks = mail.locator('section.auth-results');
  await checks.getByRole('heading', { name: 'Authentication-Results: what the receiver checked' }).waitFor();
  assert.match(await checks.locator('pre').first().textContent(), /dkim=pass/);
  await checks.locator('details.dkim-detail summary').first().click();
  await checks.getByText('The hashes match: the body is as it was signed.').first().waitFor();
  // The list's copy: its footer changed the body.
  await mail.getByRole('button', { name: /For the class/ }).click();
  assert.match(await checks.locator('pre').first().textContent(), /dkim=fail reason="body hash mismatch/);
  await checks.locator('details.dkim-detail summary').first().click();
  const detail = checks.locator('details.dkim-detail').first();
  await detail.getByText('The hashes differ: the body changed after it was signed (body hash mismatch).').waitFor();
  const hashes = await detail.locator('dd code').allTextContents();
  assert.equal(hashes.length, 2);
  assert.notEqual(hashes[0], hashes[1]);
  assert.match(await detail.locator('pre.canonical').textContent(), /from: ?You <you@isp\.example>/i);
  await checks.getByText(/^DKIM fail: isp\.example's signature/).first().waitFor();
  await page.screenshot({ path: path.join(t.artifacts, 'auth-lesson-dkim-tamper.png'), fullPage: true });
}

/**
 * Types a lesson's reference solution as a learner would: `telnet HOST PORT`,
 * each line, DNS changes through the DNS tab's Add box, waits with `sleep`.
 */
async function typeTheSolution(page, lesson) {
  for (const part of lesson.solution) {
    await send(page, `telnet ${part.connect}`);
    for (const step of part.steps) {
      if (typeof step === 'string') {
        await send(page, step);
      } else if (step.dns) {
        const [verb, ...record] = step.dns.split(' ');
        assert.equal(verb, 'add', 'these lessons only publish records');
        await page.getByRole('tab', { name: 'DNS' }).click();
        await page.getByLabel('Add a record').fill(record.join(' '));
        await page.getByRole('tabpanel').getByRole('button', { name: 'Add', exact: true }).click();
        await shown(page, `[dns] add ${record.join(' ')}`);
      } else if (step.wait) {
        await send(page, `sleep ${step.wait}`);
      }
    }
  }
}

/** spf-publish and forwarding-breaks-spf, typed in Chromium: every goal met, the results in the mailbox view. */
export async function spfLessonsByTyping(page, t) {
  const cases = [
    ['spf-publish', /After SPF/, /spf=pass/],
    ['forwarding-breaks-spf', /Class reunion/, /spf=fail/],
  ];
  for (const [id, subject, verdict] of cases) {
    await page.goto('about:blank');
    const { lesson, panel } = await openLesson(page, t, id);
    await typeTheSolution(page, lesson);
    await panel.getByText('Lesson complete! Every goal is met.').waitFor();
    assert.equal(await page.locator('.goal.met').count(), lesson.goals.length, id);
    await page.getByRole('tab', { name: 'Mailboxes' }).click();
    const mail = page.getByRole('tabpanel');
    await mail.getByRole('heading', { name: 'mx1.example.org' }).waitFor();
    await mail.getByRole('button', { name: subject }).first().click();
    const results = await mail.locator('section.auth-results pre').first().textContent();
    assert.match(results, verdict, `${id}: the receiver's verdict is shown`);
    await page.screenshot({ path: path.join(t.artifacts, `auth-lesson-${id}.png`), fullPage: true });
  }
}

/** The submission preset in the sandbox: AUTH hidden until STARTTLS, the handshake explained, AUTH offered after EHLO again. */
export async function submissionPresetOffersAuthOnlyAfterStarttls(page, t) {
  await page.goto(t.url);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Server profile').selectOption('submission');
  for (const line of ['telnet localhost smtp', 'EHLO pc.example']) await send(page, line);
  await shown(page, /250-STARTTLS/);
  const before = await page.getByRole('log', { name: 'Transcript' }).textContent();
  assert.doesNotMatch(before, /250-AUTH/, 'AUTH is not offered in clear text');
  await send(page, 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=');
  await shown(page, '530 5.7.0 Must issue a STARTTLS command first');
  await send(page, 'STARTTLS');
  await shown(page, /^220 2\.0\.0 Ready to start TLS/);
  await shown(page, /the server sends its certificate/);
  await shown(page, /send EHLO again/);
  await send(page, 'EHLO pc.example');
  await shown(page, /250-AUTH PLAIN LOGIN/);
  await send(page, 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=');
  await shown(page, /^235 2\.7\.0 Authentication successful/);
  await page.screenshot({ path: path.join(t.artifacts, 'auth-submission-preset.png'), fullPage: true });
}

/**
 * A DNS tab change travels in the share link, in its place among the typed
 * lines: the other page replays the dig from before it (old records only),
 * then the change; the console's history recalls what was typed, not the change.
 */
export async function dnsChangesTravelInShareLinks(page, t) {
  await page.goto(`${t.url}#tab=lessons`);
  const record = 'example.org. 3600 IN TXT "shared-link-check"';
  const answer = (scope) => scope.getByRole('log', { name: 'Transcript' }).getByText('"shared-link-check"', { exact: true });
  await send(page, 'dig TXT example.org +short');
  await shown(page, '"v=spf1 mx -all"');
  await page.getByRole('tab', { name: 'DNS' }).click();
  await page.getByLabel('Add a record').fill(record);
  await page.getByRole('tabpanel').getByRole('button', { name: 'Add', exact: true }).click();
  await shown(page, `[dns] add ${record}`);
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.focus();
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'dig TXT example.org +short', 'history holds typed lines only');
  await input.fill('');

  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  const other = await t.context.newPage();
  await other.goto(link);
  await shown(other, `[dns] add ${record}`);
  assert.equal(await answer(other).count(), 0, 'the replayed dig came before the change');
  await send(other, 'dig TXT example.org +short');
  await answer(other).first().waitFor();
  await other.getByRole('tab', { name: 'DNS' }).click();
  await other.getByRole('tabpanel').getByText(record, { exact: true }).waitFor();
  await other.screenshot({ path: path.join(t.artifacts, 'auth-dns-share-link.png'), fullPage: true });
  await other.close();
}

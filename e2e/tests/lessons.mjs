// The lessons tab of the page (the full app, loaded on first use): completing a lesson by typing, hints,
// progress that survives a reload, teacher packs from a file, pasted text
// and a URL, deep links, and the attempt export.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtin = JSON.parse(await readFile(path.join(repo, 'crates/smtplab-lessons/lessons/builtin.json'), 'utf8'));
const examplePackPath = path.join(repo, 'docs/examples/example-pack.json');

async function send(page, line) {
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.fill(line);
  await input.press('Enter');
}

function goal(page, description) {
  return page.getByRole('list', { name: 'Goals' }).getByRole('listitem').filter({ hasText: description });
}

/** Complete the first lesson by typing, with a hint; progress survives a reload. */
export async function completeLessonWithHintAndReload(page, t) {
  const lesson = builtin.lessons[0];
  await page.goto(t.url + '#tab=lessons');
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByRole('button', { name: lesson.title }).click();
  const panel = page.getByRole('region', { name: 'Lesson' });
  await panel.getByRole('heading', { name: lesson.title }).waitFor();
  // A hint, revealed on request.
  await panel.getByRole('button', { name: /^Hint \(0 of/ }).click();
  await page.getByRole('list', { name: 'Hints' }).getByText(lesson.hints[0]).waitFor();
  // A goal is ticked as soon as it is met.
  await send(page, 'telnet localhost smtp');
  const first = lesson.solution[0];
  await send(page, first[0]);
  await page.waitForFunction(() => document.querySelector('.goal.met') !== null);
  assert.match(await goal(page, lesson.goals[0].description).getAttribute('class'), /met/);
  for (const line of first.slice(1)) await send(page, line);
  await panel.getByText('Lesson complete! Every goal is met.').waitFor();
  assert.equal(await page.locator('.goal.met').count(), lesson.goals.length);
  await page.screenshot({ path: path.join(t.artifacts, 'lesson-complete.png'), fullPage: true });
  // The address is a deep link, and progress is still there after a reload.
  assert.match(page.url(), new RegExp(`#lesson=${lesson.id}$`));
  await page.reload();
  await page.getByRole('region', { name: 'Lesson' }).getByRole('heading', { name: lesson.title }).waitFor();
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByText(/1 of \d+ done/).waitFor();
  // Reset, once confirmed.
  await page.getByRole('button', { name: 'Reset progress' }).click();
  await page.getByRole('button', { name: 'Yes, forget my progress' }).click();
  await page.getByText(/0 of \d+ done/).waitFor();
}

/** A teacher's pack from a file shows up marked as the teacher's; a bad pack is refused clearly. */
export async function teacherPackFromFile(page, t) {
  const pack = JSON.parse(await readFile(examplePackPath, 'utf8'));
  await page.goto(t.url + '#tab=lessons');
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page.getByText('For teachers: load a lesson pack').click();
  await page.getByLabel('Lesson pack file').setInputFiles(examplePackPath);
  await page.getByRole('status').getByText(`Loaded the teacher's pack "${pack.title}"`).waitFor();
  await page.getByRole('heading', { name: new RegExp(pack.title) }).getByText("teacher's").waitFor();
  await page.getByRole('button', { name: pack.lessons[0].title }).click();
  await page.getByRole('region', { name: 'Lesson' }).getByText(`teacher's pack: ${pack.title}`).waitFor();
  // Pasted text with a mistake: the error names the lesson and field, nothing loads.
  const broken = structuredClone(pack);
  broken.id = 'broken-pack';
  broken.lessons[0].goals[0].code = 999;
  await page.getByLabel('Lesson pack JSON').fill(JSON.stringify(broken));
  await page.getByRole('button', { name: 'Load pasted pack' }).click();
  const notice = page.getByRole('status').filter({ hasText: 'Could not load the lesson pack from the pasted text' });
  await notice.waitFor();
  assert.match(await notice.textContent(), new RegExp(`lesson \`${pack.lessons[0].id}\``));
  assert.equal(await page.getByRole('heading', { name: /broken/ }).count(), 0);
}

/** ?pack=URL loads from where the teacher points, and #lesson opens a lesson in it. */
export async function teacherPackFromUrlAndDeepLink(page, t) {
  const pack = JSON.parse(await readFile(examplePackPath, 'utf8'));
  await page.route('**/packs/room.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(pack) }));
  await page.goto(`${t.url}?pack=${encodeURIComponent(t.url + 'packs/room.json')}#lesson=${pack.id}/${pack.lessons[1].id}`);
  await page.getByRole('region', { name: 'Lesson' }).getByRole('heading', { name: pack.lessons[1].title }).waitFor();
  // An address that cannot be read gives a clear error.
  await page.goto(`${t.url}?pack=${encodeURIComponent(t.url + 'packs/missing.json')}`);
  await page.getByRole('status').getByText(/Could not load the lesson pack from .*missing\.json: the server answered HTTP 404/).waitFor();
  // A plain lesson link on the page opens the lesson (the full app loads first).
  await page.goto(`${t.url}#lesson=dot-stuffing`);
  await page.getByRole('region', { name: 'Lesson' }).waitFor();
  assert.match(page.url(), /#lesson=dot-stuffing$/);
}

/** Show solution plays the reference solution step by step (never a pass); the attempt exports for the teacher. */
export async function solutionAndAttemptExport(page, t) {
  const lesson = builtin.lessons.find((l) => l.id === 'recover-with-rset');
  await page.goto(`${t.url}#lesson=${lesson.id}`);
  const panel = page.getByRole('region', { name: 'Lesson' });
  await panel.getByRole('heading', { name: lesson.title }).waitFor();
  await panel.getByRole('button', { name: 'Show solution' }).click();
  await page.getByRole('log', { name: 'Transcript' }).getByText('220 mail.example.com ESMTP smtplab').waitFor();
  for (;;) {
    const next = panel.getByRole('button', { name: /^Solution: next step/ });
    if ((await next.count()) === 0) break;
    await next.click();
  }
  await panel.getByText(/The reference solution meets every goal; it does not count as your pass/).waitFor();
  await panel.getByRole('button', { name: 'Export attempt' }).click();
  const attempt = await page.getByRole('textbox', { name: 'Attempt' }).inputValue();
  assert.match(attempt, new RegExp(`^smtplab attempt 1\\npack: builtin\\nlesson: ${lesson.id}\\nsolution: shown\\n`));
  // Nothing was typed by the learner, so the attempt has no connection.
  assert.doesNotMatch(attempt, /\nconnect\n/);
}

// The JavaScript API (dist/api/, crates/smtplab-wasm): the README's example runs
// in the browser and prints what the README says, and the TypeScript
// declarations name exactly the fields the real objects have.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = path.join(repo, 'crates/smtplab-wasm/README.md');
const DTS = path.join(repo, process.env.DIST ?? 'dist', 'api/smtplab_wasm.d.ts');

/** The fenced blocks of a Markdown text: [{ lang, code }]. */
function fencedBlocks(markdown) {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, lang, code]) => ({ lang, code }));
}

/** A blank page at /api/readme.html, so the example's "./smtplab_wasm.js" resolves into dist/api/. */
async function openApiPage(page, t) {
  const url = `${t.origin}/api/readme.html`;
  await page.route(url, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>smtplab API</title>' }),
  );
  await page.goto(url);
}

/** The README's first js block prints exactly the text block after it. */
export async function readmeExampleRunsAsDocumented(page, t) {
  const blocks = fencedBlocks(await readFile(README, 'utf8'));
  const at = blocks.findIndex((b) => b.lang === 'js');
  assert.ok(at >= 0, 'the README has a js example');
  const example = blocks[at].code;
  const printed = blocks.slice(at + 1).find((b) => b.lang === 'text');
  assert.ok(printed, 'a text block after the example shows its output');
  assert.match(example, /import init, \{[^}]*\} from "\.\/smtplab_wasm\.js"/);

  const logs = [];
  page.on('console', (m) => m.type() === 'log' && logs.push(m.text()));
  await openApiPage(page, t);
  await page.evaluate(() => {
    window.addEventListener('error', (e) => (window.__exampleError = String(e.message)));
  });
  // Verbatim, as a module script: top-level await and the relative import work as in a page.
  await page.addScriptTag({ type: 'module', content: `${example}\nwindow.__exampleDone = true;\n` });
  await page.waitForFunction(() => window.__exampleDone || window.__exampleError);
  assert.equal(await page.evaluate(() => window.__exampleError ?? null), null);
  assert.deepEqual(logs, printed.code.trimEnd().split('\n'));
  assert.deepEqual(t.pageErrors, []);
}

/** `export interface Name { ... }` in the .d.ts: its field names (with those of what it extends). */
function interfaceFields(dts, name) {
  const match = dts.match(new RegExp(`export interface ${name}(?: extends (\\w+))? \\{\\n([\\s\\S]*?)\\n\\}`));
  assert.ok(match, `the .d.ts declares interface ${name}`);
  const own = [...match[2].matchAll(/^[ \t]+(\w+)\??:/gm)].map((m) => m[1]);
  return (match[1] ? interfaceFields(dts, match[1]) : []).concat(own).sort();
}

/** `export type Name = | "a" | "b"` in the .d.ts: its string members. */
function unionMembers(dts, name) {
  const match = dts.match(new RegExp(`export type ${name} =([\\s\\S]*?);`));
  assert.ok(match, `the .d.ts declares type ${name}`);
  return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort();
}

/** The declared interfaces and unions match what the API really returns. */
export async function typescriptDeclarationsMatchTheValues(page, t) {
  const dts = await readFile(DTS, 'utf8');
  assert.doesNotMatch(dts, /\): any;/, 'no method returns any');
  await openApiPage(page, t);
  const real = await page.evaluate(async () => {
    const api = await import('/api/smtplab_wasm.js');
    await api.default();
    const session = new api.Session({ seed: 1, now: 1_800_000_000 });
    const replies = session.send('EHLO x\nMAIL FROM:<alice@example.com>\nRCPT TO:<bob@example.com>\nDATA\nSubject: hi\n\nHello\n.');
    const keys = new Set();
    for (let code = 200; code < 600; code++) for (const r of api.explainCode(code).replies) keys.add(r.key);
    const preset = api.presets()[0];
    const rule = { verb: 'DATA', code: 451, enhanced: '4.3.0', text: 'later', times: 1 };
    return {
      reply: replies[0],
      message: session.mailboxes().bob[0],
      explanation: api.explainCode(550),
      command: api.commands()[0],
      preset,
      rule,
      replyKeys: [...keys],
      verbs: api.commands().map((c) => c.verb),
      phase: session.phase,
      withRule: (() => {
        // A patch naming every RejectRule field is accepted as declared.
        const s = new api.Session({ settings: { profile: { faults: { reject: [rule] } } } });
        return s.closed === false;
      })(),
    };
  });
  const keysOf = (o) => Object.keys(o).sort();
  const { reply, message, explanation, command, preset } = real;
  assert.deepEqual(keysOf(reply), interfaceFields(dts, 'Reply'));
  assert.deepEqual(keysOf(reply.explanation), interfaceFields(dts, 'Explanation'));
  assert.deepEqual(keysOf(message), interfaceFields(dts, 'Message'));
  assert.deepEqual(keysOf(message.envelope), interfaceFields(dts, 'Envelope'));
  assert.deepEqual(keysOf(explanation), interfaceFields(dts, 'CodeExplanation'));
  assert.deepEqual(keysOf(explanation.replies[0]), interfaceFields(dts, 'CatalogueReply'));
  assert.deepEqual(keysOf(command), interfaceFields(dts, 'CommandInfo'));
  assert.deepEqual(keysOf(preset), interfaceFields(dts, 'Preset'));
  const { settings } = preset;
  assert.deepEqual(keysOf(settings), interfaceFields(dts, 'Settings'));
  assert.deepEqual(keysOf(settings.profile), interfaceFields(dts, 'Profile'));
  assert.deepEqual(keysOf(settings.profile.extensions), interfaceFields(dts, 'Extensions'));
  assert.deepEqual(keysOf(settings.profile.faults), interfaceFields(dts, 'Faults'));
  assert.deepEqual(keysOf(settings.world), interfaceFields(dts, 'World'));
  assert.deepEqual(keysOf(settings.world.users[0]), interfaceFields(dts, 'User'));
  assert.deepEqual(keysOf(settings.world.aliases[0]), interfaceFields(dts, 'Alias'));
  assert.deepEqual(keysOf(settings.world.lists[0]), interfaceFields(dts, 'MailingList'));
  assert.deepEqual(keysOf(real.rule), interfaceFields(dts, 'RejectRule'));
  assert.ok(real.withRule);
  assert.deepEqual(real.replyKeys.sort(), unionMembers(dts, 'ReplyKey'));
  assert.deepEqual([...new Set([...real.verbs, 'OBSOLETE'])].sort(), unionMembers(dts, 'Verb'));
  assert.ok(unionMembers(dts, 'Phase').includes(real.phase));
  assert.ok(unionMembers(dts, 'ProfileName').includes(preset.name));
  assert.deepEqual(t.pageErrors, []);
}

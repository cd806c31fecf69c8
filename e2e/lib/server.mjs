// Starts the project's one static file server (`cargo xtask serve-dir`,
// xtask/src/serve.rs) on a free 127.0.0.1 port for the e2e tests and the web
// benchmarks. `cargo xtask` sets SMTPLAB_XTASK to its own binary, so no
// second cargo run is needed; run by hand, this starts it through cargo.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:\d+)\/$/m;

/** Serves `dir`; resolves to { url, origin, close() } once listening. */
export async function serveDir(dir) {
  const args = ['serve-dir', path.resolve(dir), '--port', '0'];
  const xtask = process.env.SMTPLAB_XTASK;
  const child = xtask
    ? spawn(xtask, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('cargo', ['run', '--quiet', '--package', 'xtask', '--', ...args], {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
  const stop = () => child.kill();
  process.on('exit', stop);
  const origin = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      seen += text;
      const match = LISTENING.exec(seen);
      if (match) resolve(match[1]);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the file server exited (${code}) before listening: ${seen}`)));
  });
  return {
    url: origin + '/',
    origin,
    close: () =>
      new Promise((resolve) => {
        process.off('exit', stop);
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

// The iframe route (embed.html): the same widget, configured from URL
// parameters (profile, script, autoplay, panels, height, theme, lesson,
// lang, network, click-to-load), for hosts that strip scripts from their own pages.
// In a frame it talks to its parent page by postMessage: every event goes up
// as { source: 'smtp-lab', type, detail }, and the parent may call
//   { target: 'smtp-lab', method: 'send' | 'reset' | 'load' | 'transcript', args, id }
// to get { source: 'smtp-lab', type: 'result', id, value } (or `error`).
// Only the parent window is obeyed.
import './smtp-lab.js';

const EVENTS = ['command', 'reply', 'state-change', 'goal-complete', 'lesson-complete'];
const METHODS = ['send', 'reset', 'load', 'transcript'];

const params = new URLSearchParams(location.search);
const lab = document.createElement('smtp-lab');
for (const name of ['profile', 'script', 'panels', 'height', 'theme', 'lesson', 'lang']) {
  const value = params.get(name);
  if (value !== null) lab.setAttribute(name, value);
}
for (const flag of ['autoplay', 'click-to-load', 'network']) {
  if (params.has(flag) && params.get(flag) !== 'false') lab.setAttribute(flag, '');
}

if (window.parent !== window) {
  const tell = (message) => window.parent.postMessage({ source: 'smtp-lab', ...message }, '*');
  for (const type of EVENTS) lab.addEventListener(type, (event) => tell({ type, detail: event.detail }));
  lab.ready.then(
    () => tell({ type: 'ready', detail: {} }),
    (error) => tell({ type: 'error', detail: { message: error.message } }),
  );
  window.addEventListener('message', async (event) => {
    if (event.source !== window.parent) return;
    const { target, method, args, id } = event.data ?? {};
    if (target !== 'smtp-lab') return;
    try {
      if (!METHODS.includes(method)) throw new Error(`smtp-lab: no method \`${method}\`; use one of: ${METHODS.join(', ')}`);
      const value = await lab[method](...(Array.isArray(args) ? args : []));
      tell({ type: 'result', id, value });
    } catch (error) {
      tell({ type: 'result', id, error: String(error?.message ?? error) });
    }
  });
}

const main = document.querySelector('main') ?? document.body;
main.append(lab);

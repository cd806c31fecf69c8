// The iframe route (embed.html): the same widget, configured from URL
// parameters (profile, script, autoplay, panels, height, theme, lesson),
// for hosts that strip scripts from their own pages.
import './smtp-lab.js';

const params = new URLSearchParams(location.search);
const lab = document.createElement('smtp-lab');
for (const name of ['profile', 'script', 'panels', 'height', 'theme', 'lesson']) {
  const value = params.get(name);
  if (value !== null) lab.setAttribute(name, value);
}
if (params.has('autoplay') && params.get('autoplay') !== 'false') lab.setAttribute('autoplay', '');
const main = document.querySelector('main') ?? document.body;
main.append(lab);

// The iframe route (embed.html): the same widget, configured from URL
// parameters (profile, script, autoplay, panels, height, theme), for hosts
// that strip scripts from their own pages.
import './smtp-lab.js';

const params = new URLSearchParams(location.search);
const lab = document.createElement('smtp-lab');
for (const name of ['profile', 'script', 'panels', 'height', 'theme']) {
  const value = params.get(name);
  if (value !== null) lab.setAttribute(name, value);
}
if (params.has('autoplay') && params.get('autoplay') !== 'false') lab.setAttribute('autoplay', '');
document.body.append(lab);

// The README's example of the <smtp-lab> API (widget-events.html runs it).
await customElements.whenDefined('smtp-lab');
const lab = document.querySelector('#events-lab');
const log = document.querySelector('#event-log');
const show = (line) => log.append(Object.assign(document.createElement('li'), { textContent: line }));

// Events bubble out of the element, so one listener on document hears every widget.
for (const type of ['command', 'reply', 'state-change', 'goal-complete', 'lesson-complete']) {
  document.addEventListener(type, (event) => show(`${event.target.id} ${type} ${JSON.stringify(event.detail)}`));
}

// The handle: each call waits for `ready` and resolves once it is applied.
await lab.ready;
await lab.send('MAIL FROM:<alice@example.com>');
document.querySelector('#transcript').textContent = await lab.transcript();
document.querySelector('#reset').addEventListener('click', () => lab.reset());
document.querySelector('#load').addEventListener('click', () => lab.load('EHLO client.example\nVRFY bob'));

// The iframe form: the same events and calls over postMessage.
const frame = document.querySelector('#events-frame');
const pending = new Map();
window.addEventListener('message', ({ source, data }) => {
  if (source !== frame.contentWindow || data?.source !== 'smtp-lab') return;
  if (data.type === 'result') pending.get(data.id)?.(data);
  else show(`frame ${data.type} ${JSON.stringify(data.detail)}`);
});
let nextId = 0;
function callFrame(method, ...args) {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, ({ value, error }) => (error ? reject(new Error(error)) : resolve(value)));
    frame.contentWindow.postMessage({ target: 'smtp-lab', method, args, id }, '*');
  });
}
document.querySelector('#frame-noop').addEventListener('click', async () => {
  await callFrame('send', 'NOOP');
  show(`frame transcript:\n${await callFrame('transcript')}`);
});

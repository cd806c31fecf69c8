// <smtp-lab>: a live SMTP console for any page. Load this module once:
//   <script type="module" src="widget/smtp-lab.js"></script>
//   <smtp-lab profile="strict" panels="diagram table" height="18rem"></smtp-lab>
// Each element renders into its own shadow root and runs its own session.
// Attributes: profile, script, autoplay, panels, height, theme (light|dark),
// lesson (a built-in lesson id; loads the larger lesson build, once),
// network (the mail network: DNS, the other hosts, relaying; the lesson build too,
// as are the panels mailboxes and sequence),
// click-to-load (shows the script and loads the engine on the first click),
// lang (en or zh-CN; without it, the browser's language).
// The element tells the page what happens (events command, reply,
// state-change, goal-complete, lesson-complete) and takes calls: el.ready,
// el.send(text), el.reset(), el.load(script), el.transcript().
const bundles = new Map();
const sheets = new Map();
const tables = new Map();

/** Whether an element reads in Chinese: its lang attribute, else the browser's language. */
function chinese(element) {
  return /^zh/i.test(element.getAttribute('lang') || navigator.language || '');
}

/** The zh-CN table's JSON text (fetched once per page), or undefined for
 *  English or when it cannot be fetched (the console then reads in English). */
function table(element) {
  if (!chinese(element)) return Promise.resolve(undefined);
  const url = new URL('../i18n/zh-CN.json', import.meta.url).href;
  if (!tables.has(url)) {
    tables.set(url, fetch(url).then((response) => (response.ok ? response.text() : undefined), () => undefined));
  }
  return tables.get(url);
}

// The click-to-load preview's texts: it shows before the table is fetched.
const PREVIEW = {
  en: {
    caption: 'An SMTP console that types these lines in when it starts:',
    empty: '(an empty SMTP console)',
    start: 'Start the console',
    starting: 'Starting the console…',
  },
  zh: {
    caption: '一个 SMTP 控制台，启动时会输入以下各行：',
    empty: '（一个空的 SMTP 控制台）',
    start: '启动控制台',
    starting: '正在启动控制台……',
  },
};

/** Loads and starts one wasm build, once per page. */
function bundle(path) {
  if (!bundles.has(path)) {
    bundles.set(path, import(path).then(async (module) => {
      await module.default();
      return module;
    }));
  }
  return bundles.get(path);
}

function styleSheet(path, module) {
  if (!sheets.has(path)) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(module.widgetCss());
    sheets.set(path, sheet);
  }
  return sheets.get(path);
}

// The click-to-load preview's own few styles: the full stylesheet comes
// with the wasm, which the preview must not load.
let previewSheet;
function previewStyle() {
  if (!previewSheet) {
    previewSheet = new CSSStyleSheet();
    previewSheet.replaceSync(`
      :host { display: block; font: 16px/1.5 system-ui, sans-serif; }
      .preview { border: 1px solid #8888; border-radius: 0.4em; padding: 0.75em; }
      p { margin: 0 0 0.5em; }
      pre { margin: 0 0 0.75em; padding: 0.5em; overflow: auto; background: #8881; font: 0.9em/1.4 ui-monospace, monospace; }
      button { font: inherit; padding: 0.3em 0.9em; cursor: pointer; }
    `);
  }
  return previewSheet;
}

/** The script attribute as a reader would write it down: indentation gone. */
function scriptText(script) {
  const lines = script.split('\n').map((line) => line.trim());
  while (lines.length && !lines[0]) lines.shift();
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  return lines.join('\n');
}

/** Resolves once every call made to the handle so far is applied. */
function applied(handle) {
  return new Promise((resolve, reject) => {
    handle.whenApplied((done) => (done ? resolve() : reject(new Error('smtp-lab: the element left the page before the call was applied'))));
  });
}

class SmtpLab extends HTMLElement {
  constructor() {
    super();
    /** Resolves to the element once its session is mounted; rejects with
     *  an Error saying what went wrong (the wasm, or an attribute). */
    this.ready = new Promise((resolve, reject) => {
      this.settleReady = { resolve, reject };
    });
    // A page that never looks at `ready` gets no unhandled-rejection noise;
    // one that awaits it still sees the error.
    this.ready.catch(() => {});
  }

  // A widget moved in the page (disconnected and connected again in one
  // task, as frameworks do) keeps its session; one taken out for longer is
  // unmounted, and mounted afresh if it comes back.
  connectedCallback() {
    clearTimeout(this.unmountTimer);
    if (!this.hasAttribute('click-to-load')) this.started = true;
    if (!this.started) {
      this.showPreview();
      return;
    }
    if (this.mounting || this.handle) return;
    this.mount();
  }

  disconnectedCallback() {
    clearTimeout(this.unmountTimer);
    this.unmountTimer = setTimeout(() => {
      if (!this.isConnected) this.unmount();
    }, 0);
  }

  /** Lets the engine load (a click-to-load element waits for this). */
  start() {
    if (this.started) return;
    this.started = true;
    if (this.isConnected && !this.mounting && !this.handle) this.mount();
  }

  showPreview() {
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    if (shadow.querySelector('.preview')) return;
    shadow.adoptedStyleSheets = [previewStyle()];
    const preview = document.createElement('div');
    preview.className = 'preview';
    const text = PREVIEW[chinese(this) ? 'zh' : 'en'];
    const caption = document.createElement('p');
    caption.textContent = text.caption;
    const script = document.createElement('pre');
    script.setAttribute('aria-label', 'Script');
    script.textContent = scriptText(this.getAttribute('script') ?? '') || text.empty;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = text.start;
    button.addEventListener('click', () => {
      button.textContent = text.starting;
      this.focusOnReady = true;
      this.start();
    });
    preview.append(caption, script, button);
    shadow.replaceChildren(preview);
  }

  mount() {
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const container = document.createElement('div');
    container.className = 'widget-root';
    this.mounting = this.startSession(shadow, container).finally(() => {
      this.mounting = undefined;
      if (!this.isConnected) this.unmount();
    });
  }

  async startSession(shadow, container) {
    const lesson = this.getAttribute('lesson');
    // The lesson build is the one with the mail network in it (and the
    // panels that show it: the mail delivered, the sequence diagram).
    const networkPanels = /(^|\s)(mailboxes|sequence)(\s|$)/.test(this.getAttribute('panels') ?? '');
    const larger = lesson || this.hasAttribute('network') || networkPanels;
    const path = larger ? './lessons/smtplab_widget.js' : './smtplab_widget.js';
    let module;
    let translations;
    try {
      [module, translations] = await Promise.all([bundle(path), table(this)]);
    } catch (error) {
      const failure = new Error(`smtplab could not start: ${error?.message ?? error}`);
      container.setAttribute('role', 'alert');
      container.textContent = failure.message;
      shadow.replaceChildren(container);
      this.settleReady.reject(failure);
      return;
    }
    // Removed while the wasm loaded: nothing to show.
    if (!this.isConnected) return;
    shadow.adoptedStyleSheets = [styleSheet(path, module)];
    shadow.replaceChildren(container);
    container.lang = translations ? 'zh-CN' : 'en';
    this.handle = module.mount(
      container,
      this.getAttribute('profile') ?? 'default',
      this.getAttribute('script') ?? '',
      this.hasAttribute('autoplay'),
      this.getAttribute('panels') ?? '',
      this.getAttribute('height') ?? undefined,
      lesson ?? undefined,
      translations,
      (type, detail) => this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true })),
    );
    const problem = this.handle.problem();
    if (problem) {
      this.settleReady.reject(new Error(problem));
      return;
    }
    // The script is typed in (and its events sent) before `ready` resolves.
    await applied(this.handle);
    this.settleReady.resolve(this);
    if (this.focusOnReady) shadow.querySelector('input')?.focus();
  }

  unmount() {
    if (this.mounting) return;
    this.handle?.destroy();
    this.handle = undefined;
    this.shadowRoot?.replaceChildren();
  }

  /** The mounted session, once there is one. Calls made before `ready`
   *  wait for it (and start a click-to-load element, as a click would). */
  async session() {
    this.start();
    await this.ready;
    await this.mounting;
    if (!this.handle) throw new Error('smtp-lab: the element is not in the page, so it has no session');
    return this.handle;
  }

  /** Submits text as if typed and entered (several lines: one pipelined
   *  chunk, as a paste). Resolves once applied and its events are sent. */
  async send(text) {
    const session = await this.session();
    session.send(String(text));
    await applied(session);
  }

  /** A fresh session with the same profile (or lesson). */
  async reset() {
    const session = await this.session();
    session.reset();
    await applied(session);
  }

  /** Resets, then types the script in, as the script attribute does. */
  async load(script) {
    const session = await this.session();
    session.load(String(script));
    await applied(session);
  }

  /** Resolves to the session as plain text (the app's Copy transcript). */
  async transcript() {
    const session = await this.session();
    await applied(session);
    return session.transcript();
  }
}

if (!customElements.get('smtp-lab')) customElements.define('smtp-lab', SmtpLab);

// <smtp-lab>: a live SMTP console for any page. Load this module once:
//   <script type="module" src="widget/smtp-lab.js"></script>
//   <smtp-lab profile="strict" panels="diagram table" height="18rem"></smtp-lab>
// Each element renders into its own shadow root and runs its own session.
// Attributes: profile, script, autoplay, panels, height, theme (light|dark),
// lesson (a built-in lesson id; loads the larger lesson build, once).
const bundles = new Map();
const sheets = new Map();

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

class SmtpLab extends HTMLElement {
  // A widget moved in the page (disconnected and connected again in one
  // task, as frameworks do) keeps its session; one taken out for longer is
  // unmounted, and mounted afresh if it comes back.
  connectedCallback() {
    clearTimeout(this.unmountTimer);
    if (this.mounting || this.handle) return;
    this.mount();
  }

  disconnectedCallback() {
    clearTimeout(this.unmountTimer);
    this.unmountTimer = setTimeout(() => {
      if (!this.isConnected) this.unmount();
    }, 0);
  }

  mount() {
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const container = document.createElement('div');
    container.className = 'widget-root';
    shadow.replaceChildren(container);
    const lesson = this.getAttribute('lesson');
    const path = lesson ? './lessons/smtplab_widget.js' : './smtplab_widget.js';
    this.mounting = bundle(path)
      .then((module) => {
        shadow.adoptedStyleSheets = [styleSheet(path, module)];
        // Removed while the wasm loaded: nothing to show.
        if (!this.isConnected) return;
        this.handle = module.mount(
          container,
          this.getAttribute('profile') ?? 'default',
          this.getAttribute('script') ?? '',
          this.hasAttribute('autoplay'),
          this.getAttribute('panels') ?? '',
          this.getAttribute('height') ?? undefined,
          lesson ?? undefined,
        );
      })
      .catch((error) => {
        container.textContent = `smtplab could not start: ${error}`;
      })
      .finally(() => {
        this.mounting = undefined;
        if (!this.isConnected) this.unmount();
      });
  }

  unmount() {
    if (this.mounting) return;
    this.handle?.destroy();
    this.handle = undefined;
    this.shadowRoot?.replaceChildren();
  }
}

if (!customElements.get('smtp-lab')) customElements.define('smtp-lab', SmtpLab);

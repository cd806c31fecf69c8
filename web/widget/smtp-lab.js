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
  connectedCallback() {
    if (this.shadowRoot) return;
    const shadow = this.attachShadow({ mode: 'open' });
    const container = document.createElement('div');
    container.className = 'widget-root';
    shadow.append(container);
    const lesson = this.getAttribute('lesson');
    const path = lesson ? './lessons/smtplab_widget.js' : './smtplab_widget.js';
    bundle(path)
      .then((module) => {
        shadow.adoptedStyleSheets = [styleSheet(path, module)];
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
      });
  }

  disconnectedCallback() {
    this.handle?.destroy();
    this.handle = undefined;
    this.shadowRoot?.replaceChildren();
  }
}

if (!customElements.get('smtp-lab')) customElements.define('smtp-lab', SmtpLab);

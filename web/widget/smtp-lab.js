// <smtp-lab>: a live SMTP console for any page. Load this module once:
//   <script type="module" src="widget/smtp-lab.js"></script>
//   <smtp-lab profile="strict" panels="diagram table" height="18rem"></smtp-lab>
// Each element renders into its own shadow root and runs its own session.
// Attributes: profile, script, autoplay, panels, height, theme (light|dark).
import init, { mount, widgetCss } from './smtplab_widget.js';

let ready;
let sheet;

function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(widgetCss());
  }
  return sheet;
}

class SmtpLab extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const shadow = this.attachShadow({ mode: 'open' });
    const container = document.createElement('div');
    container.className = 'widget-root';
    shadow.append(container);
    ready ??= init();
    ready
      .then(() => {
        shadow.adoptedStyleSheets = [styleSheet()];
        this.handle = mount(
          container,
          this.getAttribute('profile') ?? 'default',
          this.getAttribute('script') ?? '',
          this.hasAttribute('autoplay'),
          this.getAttribute('panels') ?? '',
          this.getAttribute('height') ?? undefined,
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

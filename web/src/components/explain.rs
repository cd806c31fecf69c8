//! The explanation of the selected reply, straight from the engine's
//! catalogue: what it means, why it came now, what to try next, the RFC.

use std::rc::Rc;

use smtplab_engine::catalogue::class_meaning;
use yew::prelude::*;

use crate::lab::ConsoleLine;

/// Props of [`Explain`].
#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    /// The selected console line (a reply, or nothing to explain).
    pub line: Option<Rc<ConsoleLine>>,
}

/// The explanation panel.
#[component(Explain)]
pub fn explain(props: &ExplainProps) -> Html {
    let Some((line, reply)) = props
        .line
        .as_ref()
        .and_then(|l| l.reply.clone().map(|r| (l, r)))
    else {
        return html! {
            <div class="explain empty">
                <p>{ "Select any server reply in the console (click it, or Tab to it and press Enter) to see what it means." }</p>
                <p>{ "New here? Type " }<kbd>{ "telnet localhost smtp" }</kbd>{ " and press Enter." }</p>
            </div>
        };
    };
    let info = reply.key.info();
    let enhanced = reply.enhanced.map(|e| format!(" {e}")).unwrap_or_default();
    html! {
        <div class="explain" aria-live="polite">
            <h2>
                <span class={classes!("code", format!("c{}", reply.code / 100))}>{ format!("{}{enhanced}", reply.code) }</span>
                { " " }{ info.title }
            </h2>
            <dl>
                <dt>{ "What it means" }</dt>
                <dd>{ info.meaning }</dd>
                <dt>{ "Why now" }</dt>
                <dd>
                    { info.why }
                    if let Some(command) = &line.answers {
                        { " (in answer to " }<code>{ command.clone() }</code>{ ")" }
                    }
                </dd>
                <dt>{ "Try next" }</dt>
                <dd>{ info.next }</dd>
                <dt>{ "The code" }</dt>
                <dd>
                    { class_meaning(reply.code) }
                    if let Some(code) = reply.enhanced {
                        { format!(" The enhanced code {code} adds detail: class {}, subject {}, detail {} (RFC 3463).", code.class, code.subject, code.detail) }
                    }
                </dd>
                <dt>{ "Where it is written" }</dt>
                <dd>{ info.rfc }</dd>
            </dl>
        </div>
    }
}

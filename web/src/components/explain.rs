//! The explanation of the selected reply, straight from the engine's
//! catalogue: what it means, why it came now, what to try next, the RFC.

use std::rc::Rc;

use smtplab_engine::catalogue::class_meaning;
use yew::prelude::*;

use crate::i18n::{tr, trf};
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
                <p>{ tr("Select any server reply in the console (click it, or Tab to it and press Enter) to see what it means.") }</p>
                <p>{ tr("New here? Type ") }<kbd>{ "telnet localhost smtp" }</kbd>{ tr(" and press Enter.") }</p>
            </div>
        };
    };
    let info = reply.key.info();
    let enhanced = reply.enhanced.map(|e| format!(" {e}")).unwrap_or_default();
    html! {
        <div class="explain" aria-live="polite">
            <h2>
                <span class={classes!("code", format!("c{}", reply.code / 100))}>{ format!("{}{enhanced}", reply.code) }</span>
                { " " }{ tr(info.title) }
            </h2>
            <dl>
                <dt>{ tr("What it means") }</dt>
                <dd>{ tr(info.meaning) }</dd>
                <dt>{ tr("Why now") }</dt>
                <dd>
                    { tr(info.why) }
                    if let Some(command) = &line.answers {
                        { tr(" (in answer to ") }<code>{ command.clone() }</code>{ ")" }
                    }
                </dd>
                <dt>{ tr("Try next") }</dt>
                <dd>{ tr(info.next) }</dd>
                <dt>{ tr("The code") }</dt>
                <dd>
                    { tr(class_meaning(reply.code)) }
                    if let Some(code) = reply.enhanced {
                        { trf(" The enhanced code {} adds detail: class {}, subject {}, detail {} (RFC 3463).", &[&code.to_string(), &code.class.to_string(), &code.subject.to_string(), &code.detail.to_string()]) }
                    }
                </dd>
                <dt>{ tr("Where it is written") }</dt>
                <dd>{ info.rfc }</dd>
            </dl>
        </div>
    }
}

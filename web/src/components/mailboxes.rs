//! Delivered mail per mailbox: the envelope beside the headers, the headers
//! the server added, and the raw message, always as text.

use smtplab_engine::Delivery;
use yew::prelude::*;

use crate::state::AppState;

/// Props of [`Mailboxes`].
#[derive(Properties, PartialEq)]
pub struct MailboxesProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
}

const OUTBOX: &str = "(outbox)";

/// The mailbox browser.
#[component(Mailboxes)]
pub fn mailboxes(props: &MailboxesProps) -> Html {
    let chosen = use_state(|| None::<(String, usize)>);
    let lab = props.state.lab.borrow();
    let mut boxes: Vec<(String, Vec<Delivery>)> = lab
        .settings
        .world
        .users
        .iter()
        .map(|user| {
            let messages = lab.mailstore.mailbox(&user.name).cloned().collect();
            (user.name.clone(), messages)
        })
        .collect();
    boxes.push((OUTBOX.to_owned(), lab.mailstore.outbox().cloned().collect()));
    drop(lab);

    let list = boxes.iter().map(|(name, messages)| {
        let items = messages.iter().enumerate().map(|(index, message)| {
            let onclick = {
                let chosen = chosen.clone();
                let name = name.clone();
                Callback::from(move |_: MouseEvent| chosen.set(Some((name.clone(), index))))
            };
            let subject = message.header("Subject").unwrap_or_else(|| "(no Subject: header)".into());
            let current = chosen.as_ref().is_some_and(|(n, i)| n == name && *i == index);
            html! {
                <li>
                    <button type="button" class={classes!(current.then_some("selected"))} {onclick}>
                        { format!("{subject} — from {}", if message.envelope.mail_from.is_empty() { "<>" } else { &message.envelope.mail_from }) }
                    </button>
                </li>
            }
        });
        html! {
            <section class="mailbox">
                <h3>{ name.clone() }<span class="count">{ format!(" ({})", messages.len()) }</span></h3>
                if messages.is_empty() {
                    <p class="muted">{ "empty" }</p>
                } else {
                    <ul>{ for items }</ul>
                }
            </section>
        }
    });

    let detail = chosen.as_ref().and_then(|(name, index)| {
        boxes
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, messages)| messages.get(*index))
            .map(message_view)
    });

    html! {
        <div class="mailboxes">
            <div class="boxes">{ for list }</div>
            { detail.unwrap_or_else(|| html! { <p class="muted">{ "Deliver a message, then pick it here to see its envelope and headers side by side." }</p> }) }
        </div>
    }
}

fn message_view(message: &Delivery) -> Html {
    let header = |name: &str| message.header(name).unwrap_or_else(|| "(none)".into());
    let trace = message.trace_headers.join("\r\n");
    let added = message.added_headers.join("\r\n");
    html! {
        <article class="message">
            <div class="side-by-side">
                <section>
                    <h4>{ "Envelope (SMTP commands)" }</h4>
                    <dl>
                        <dt>{ "MAIL FROM" }</dt><dd><code>{ format!("<{}>", message.envelope.mail_from) }</code></dd>
                        <dt>{ "RCPT TO" }</dt><dd><code>{ message.envelope.rcpt_to.iter().map(|r| format!("<{r}>")).collect::<Vec<_>>().join(", ") }</code></dd>
                        <dt>{ "Queue id" }</dt><dd><code>{ message.queue_id.clone() }</code></dd>
                    </dl>
                </section>
                <section>
                    <h4>{ "Headers (inside the message)" }</h4>
                    <dl>
                        <dt>{ "From:" }</dt><dd>{ header("From") }</dd>
                        <dt>{ "To:" }</dt><dd>{ header("To") }</dd>
                        <dt>{ "Subject:" }</dt><dd>{ header("Subject") }</dd>
                    </dl>
                </section>
            </div>
            <p class="muted">{ "The envelope decides where the message goes; the headers are only what the reader sees. They can differ: that is how Bcc works, and how forged mail looks." }</p>
            <h4>{ "Added by the server" }</h4>
            <pre class="added">{ format!("{trace}\n{added}").replace('\r', "") }</pre>
            <h4>{ "Raw message" }</h4>
            <pre class="raw">{ message.message.replace('\r', "") }</pre>
        </article>
    }
}

//! Delivered mail per mailbox: the envelope beside the headers, the headers
//! the server added, and the raw message, always as text.

use std::rc::Rc;

use smtplab_engine::{Delivery, Mailstore};
use yew::prelude::*;

/// Props of [`Mailboxes`].
#[derive(Properties)]
pub struct MailboxesProps {
    /// The world's users, one mailbox each.
    pub users: Rc<Vec<String>>,
    /// Delivered mail (replaced, never changed in place, when mail arrives).
    pub mailstore: Rc<Mailstore>,
}

impl PartialEq for MailboxesProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.mailstore, &other.mailstore) && self.users == other.users
    }
}

const OUTBOX: &str = "(outbox)";

/// The mailbox browser.
#[component(Mailboxes)]
pub fn mailboxes(props: &MailboxesProps) -> Html {
    let chosen = use_state(|| None::<(String, usize)>);
    let store = &props.mailstore;
    let mut boxes: Vec<(String, Vec<&Delivery>)> = props
        .users
        .iter()
        .map(|user| (user.clone(), store.mailbox(user).collect()))
        .collect();
    boxes.push((OUTBOX.to_owned(), store.outbox().collect()));

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
                <h2>{ name.clone() }<span class="count">{ format!(" ({})", messages.len()) }</span></h2>
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
            .map(|message| message_view(message))
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
                    <h3>{ "Envelope (SMTP commands)" }</h3>
                    <dl>
                        <dt>{ "MAIL FROM" }</dt><dd><code>{ format!("<{}>", message.envelope.mail_from) }</code></dd>
                        <dt>{ "RCPT TO" }</dt><dd><code>{ message.envelope.rcpt_to.iter().map(|r| format!("<{r}>")).collect::<Vec<_>>().join(", ") }</code></dd>
                        <dt>{ "Queue id" }</dt><dd><code>{ message.queue_id.clone() }</code></dd>
                    </dl>
                </section>
                <section>
                    <h3>{ "Headers (inside the message)" }</h3>
                    <dl>
                        <dt>{ "From:" }</dt><dd>{ header("From") }</dd>
                        <dt>{ "To:" }</dt><dd>{ header("To") }</dd>
                        <dt>{ "Subject:" }</dt><dd>{ header("Subject") }</dd>
                    </dl>
                </section>
            </div>
            <p class="muted">{ "The envelope decides where the message goes; the headers are only what the reader sees. They can differ: that is how Bcc works, and how forged mail looks." }</p>
            <h3>{ "Added by the server" }</h3>
            <pre class="added">{ format!("{trace}\n{added}").replace('\r', "") }</pre>
            <h3>{ "Raw message" }</h3>
            <pre class="raw">{ message.message.replace('\r', "") }</pre>
        </article>
    }
}

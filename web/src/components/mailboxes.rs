//! Delivered mail per mailbox: the envelope beside the headers, the headers
//! the server added, the Received chain hop by hop, and the raw message,
//! always as text. This machine's server comes first, then every network
//! host that holds mail.

use std::rc::Rc;

use crate::i18n::{tr, trf};
use smtplab_engine::network::trace::{received_chain, ReceivedHop};
use smtplab_engine::{Delivery, Mailstore};
use yew::prelude::*;

/// One network host's mailboxes, as the panel shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct HostMailboxes {
    /// The host's name.
    pub host: String,
    /// Each mailbox (user name, or `user/Junk` for a folder) with its
    /// messages, oldest first.
    pub boxes: Vec<(String, Vec<Delivery>)>,
    /// For messages the receiver checked (SPF, DKIM, DMARC), by queue id:
    /// what it found.
    pub checks: Vec<(String, CheckedMail)>,
}

/// What a receiver's checks found for one message, for the learner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedMail {
    /// One plain sentence per result: SPF, each DKIM signature, DMARC,
    /// then what the receiver did.
    pub sentences: Vec<String>,
    /// Each DKIM signature, top first.
    pub signatures: Vec<SignatureDetail>,
}

/// One DKIM signature as the receiver verified it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignatureDetail {
    /// `d=`.
    pub domain: String,
    /// `s=`.
    pub selector: String,
    /// `pass`, `fail`, ...
    pub result: String,
    /// `relaxed/relaxed` and the like (empty when it did not read).
    pub canonicalization: String,
    /// The header fields as they entered the hash, one a line.
    pub canonical_headers: String,
    /// `bh=`: the body's hash when it was signed.
    pub signed_body_hash: Option<String>,
    /// The hash of the body as it arrived.
    pub computed_body_hash: Option<String>,
}

/// Props of [`Mailboxes`].
#[derive(Properties)]
pub struct MailboxesProps {
    /// The world's users, one mailbox each.
    pub users: Rc<Vec<String>>,
    /// Delivered mail (replaced, never changed in place, when mail arrives).
    pub mailstore: Rc<Mailstore>,
    /// Network hosts that hold mail (none without a network).
    #[prop_or_default]
    pub network: Rc<Vec<HostMailboxes>>,
}

impl PartialEq for MailboxesProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.mailstore, &other.mailstore)
            && self.users == other.users
            && self.network == other.network
    }
}

/// The section title of this machine's own server.
const LOCALHOST: &str = "localhost";

/// A mailbox in the panel: (host, mailbox, messages).
type Shown<'a> = (&'a str, String, Vec<&'a Delivery>);

/// The mailbox browser.
#[component(Mailboxes)]
pub fn mailboxes(props: &MailboxesProps) -> Html {
    let chosen = use_state(|| None::<(String, String, usize)>);
    let store = &props.mailstore;
    let mut boxes: Vec<Shown> = props
        .users
        .iter()
        .map(|user| (LOCALHOST, user.clone(), store.mailbox(user).collect()))
        .collect();
    boxes.push((
        LOCALHOST,
        tr("(outbox)").to_owned(),
        store.outbox().collect(),
    ));
    for host in props.network.iter() {
        for (user, messages) in &host.boxes {
            boxes.push((&host.host, user.clone(), messages.iter().collect()));
        }
    }
    let sections = hosts_in_order(&boxes).into_iter().map(|host| {
        let list = boxes
            .iter()
            .filter(|(h, _, _)| *h == host)
            .map(|(_, name, messages)| mailbox_view(host, name, messages, &chosen));
        let title = if host == LOCALHOST {
            tr("localhost (this machine's server)").to_owned()
        } else {
            host.to_owned()
        };
        html! {
            <section class="host-mail">
                <h2 class="host-name">{ title }</h2>
                <div class="boxes">{ for list }</div>
            </section>
        }
    });

    let detail = chosen.as_ref().and_then(|(host, name, index)| {
        boxes
            .iter()
            .find(|(h, n, _)| h == host && n == name)
            .and_then(|(_, _, messages)| messages.get(*index))
            .map(|message| message_view(message, checks_of(&props.network, host, message)))
    });

    html! {
        <div class="mailboxes">
            { for sections }
            if props.network.is_empty() {
                <p class="muted">{ tr("Network hosts appear here once they hold mail (try telnet mx1.example.org 25).") }</p>
            }
            { detail.unwrap_or_else(|| html! { <p class="muted">{ tr("Deliver a message, then pick it here to see its envelope and headers side by side.") }</p> }) }
        </div>
    }
}

/// What `message`'s checks at `host` found, if it was checked.
fn checks_of<'a>(
    network: &'a [HostMailboxes],
    host: &str,
    message: &Delivery,
) -> Option<&'a CheckedMail> {
    network
        .iter()
        .filter(|h| h.host == host)
        .flat_map(|h| h.checks.iter())
        .find(|(queue_id, _)| *queue_id == message.queue_id)
        .map(|(_, checked)| checked)
}

/// What the receiver found checking SPF, DKIM and DMARC, with a sentence
/// for each result and each signature's hashed data; nothing when it did
/// not check.
fn authentication_view(message: &Delivery, checked: Option<&CheckedMail>) -> Html {
    let Some(results) = message.header("Authentication-Results") else {
        return Html::default();
    };
    let checked = checked.cloned().unwrap_or_default();
    let sentences = checked
        .sentences
        .iter()
        .map(|line| html! { <li>{ line.clone() }</li> });
    let signatures = checked.signatures.iter().map(signature_view);
    html! {
        <section class="auth-results">
            <h3>{ tr("Authentication-Results: what the receiver checked") }</h3>
            <pre class="added">{ results }</pre>
            <p class="muted">{ tr("spf= is whether the sending machine may send for the MAIL FROM domain; dkim= whether a signature still matches the message; dmarc= whether one of them passed for the domain in From:, and what that domain asks receivers to do if not.") }</p>
            <ul class="explanations" aria-label={tr("What each result means")}>{ for sentences }</ul>
            { for signatures }
        </section>
    }
}

/// One DKIM signature: what was hashed, and the body hashes side by side.
fn signature_view(signature: &SignatureDetail) -> Html {
    let (signed, computed) = (
        signature
            .signed_body_hash
            .clone()
            .unwrap_or_else(|| "-".into()),
        signature
            .computed_body_hash
            .clone()
            .unwrap_or_else(|| "-".into()),
    );
    let verdict = match (&signature.signed_body_hash, &signature.computed_body_hash) {
        (Some(a), Some(b)) if a == b => tr("The hashes match: the body is as it was signed."),
        (Some(_), Some(_)) => {
            tr("The hashes differ: the body changed after it was signed (body hash mismatch).")
        }
        _ => tr("The body was not hashed: the signature failed before that."),
    };
    let summary = trf(
        "DKIM signature by {} (selector {}): {}",
        &[&signature.domain, &signature.selector, &signature.result],
    );
    html! {
        <details class="dkim-detail">
            <summary>{ summary }</summary>
            <p>{ trf("Canonicalisation (header/body): {}", &[&signature.canonicalization]) }</p>
            <dl>
                <dt>{ tr("Body hash in the signature (bh=)") }</dt><dd><code>{ signed }</code></dd>
                <dt>{ tr("Body hash of the body as received") }</dt><dd><code>{ computed }</code></dd>
            </dl>
            <p>{ verdict }</p>
            <h4>{ tr("Signed header fields, canonicalised: the bytes that were hashed") }</h4>
            <pre class="canonical">{ signature.canonical_headers.clone() }</pre>
        </details>
    }
}

/// The hosts of `boxes`, each once, in order.
fn hosts_in_order<'a>(boxes: &[Shown<'a>]) -> Vec<&'a str> {
    let mut hosts: Vec<&str> = Vec::new();
    for (host, _, _) in boxes {
        if !hosts.contains(host) {
            hosts.push(host);
        }
    }
    hosts
}

fn mailbox_view(
    host: &str,
    name: &str,
    messages: &[&Delivery],
    chosen: &UseStateHandle<Option<(String, String, usize)>>,
) -> Html {
    let items = messages.iter().enumerate().map(|(index, message)| {
        let onclick = {
            let chosen = chosen.clone();
            let (host, name) = (host.to_owned(), name.to_owned());
            Callback::from(move |_: MouseEvent| chosen.set(Some((host.clone(), name.clone(), index))))
        };
        let subject = message.header("Subject").unwrap_or_else(|| tr("(no Subject: header)").into());
        let current = chosen.as_ref().is_some_and(|(h, n, i)| h == host && n == name && *i == index);
        html! {
            <li>
                <button type="button" class={classes!(current.then_some("selected"))} {onclick}>
                    { trf("{} — from {}", &[&subject, if message.envelope.mail_from.is_empty() { "<>" } else { &message.envelope.mail_from }]) }
                </button>
            </li>
        }
    });
    html! {
        <section class="mailbox">
            <h3>{ name.to_owned() }<span class="count">{ format!(" ({})", messages.len()) }</span></h3>
            if messages.is_empty() {
                <p class="muted">{ tr("empty") }</p>
            } else {
                <ul>{ for items }</ul>
            }
        </section>
    }
}

/// The Received chain, oldest hop first: the route the message took.
fn route_view(message: &Delivery) -> Html {
    let chain = received_chain(&message.raw);
    if chain.is_empty() {
        return Html::default();
    }
    let hops = chain.iter().map(hop_view);
    html! {
        <>
            <h3>{ tr("Route: the Received chain, hop by hop") }</h3>
            <p class="muted">{ tr("Each server that took the message added a Received: line on top; read from the bottom up, they are the route, oldest hop first here.") }</p>
            <ol class="route" aria-label={tr("Hops")}>{ for hops }</ol>
        </>
    }
}

/// One hop: who handed the message to whom, then how, under which id, when.
fn hop_view(hop: &ReceivedHop) -> Html {
    let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
    let from = format!(
        "{} ({} [{}])",
        or_dash(&hop.helo),
        or_dash(&hop.client_name),
        or_dash(&hop.client_address)
    );
    let how = format!(
        "with {}, id {}, {}",
        or_dash(&hop.protocol),
        or_dash(&hop.id),
        or_dash(&hop.date)
    );
    html! {
        <li>
            <code>{ from }</code>{ " → " }<code class="by">{ or_dash(&hop.by) }</code>
            <div class="how">{ how }</div>
        </li>
    }
}

fn message_view(message: &Delivery, checked: Option<&CheckedMail>) -> Html {
    let header = |name: &str| message.header(name).unwrap_or_else(|| "(none)".into());
    let trace = message.trace_headers.join("\r\n");
    let added = message.added_headers.join("\r\n");
    html! {
        // Keyed by the message, so a detail opened for one is closed for the next.
        <article class="message" key={message.queue_id.clone()}>
            <div class="side-by-side">
                <section>
                    <h3>{ tr("Envelope (SMTP commands)") }</h3>
                    <dl>
                        <dt>{ tr("MAIL FROM") }</dt><dd><code>{ format!("<{}>", message.envelope.mail_from) }</code></dd>
                        <dt>{ tr("RCPT TO") }</dt><dd><code>{ message.envelope.rcpt_to.iter().map(|r| format!("<{r}>")).collect::<Vec<_>>().join(", ") }</code></dd>
                        <dt>{ tr("Queue id") }</dt><dd><code>{ message.queue_id.clone() }</code></dd>
                    </dl>
                </section>
                <section>
                    <h3>{ tr("Headers (inside the message)") }</h3>
                    <dl>
                        <dt>{ tr("From:") }</dt><dd>{ header("From") }</dd>
                        <dt>{ tr("To:") }</dt><dd>{ header("To") }</dd>
                        <dt>{ tr("Subject:") }</dt><dd>{ header("Subject") }</dd>
                    </dl>
                </section>
            </div>
            <p class="muted">{ tr("The envelope decides where the message goes; the headers are only what the reader sees. They can differ: that is how Bcc works, and how forged mail looks.") }</p>
            { route_view(message) }
            { authentication_view(message, checked) }
            <h3>{ tr("Added by the server") }</h3>
            <pre class="added">{ format!("{trace}\n{added}").replace('\r', "") }</pre>
            <h3>{ tr("Raw message") }</h3>
            <pre class="raw">{ message.message.replace('\r', "") }</pre>
        </article>
    }
}

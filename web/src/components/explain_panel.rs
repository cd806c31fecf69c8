//! The Transcript panel: paste any SMTP session (swaks, telnet, C:/S:
//! lines, a Postfix or Exim log, this page's own export) and see every
//! line explained, with a progress line while a long paste is read in
//! slices, and a replay against the lab's simulated server.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use smtplab_engine::Settings;
use smtplab_explain::replay::{replay, ReplayStep};
use smtplab_explain::{render, ExplainedLine, Explainer, Summary};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Octets explained per slice, between which the page redraws the progress.
const SLICE: usize = 64 * 1024;

/// Lines rendered at first; more on request, so a long transcript does
/// not make the page crawl.
const PAGE: usize = 300;

/// Props of [`ExplainPanel`].
#[derive(Properties, PartialEq)]
pub struct ExplainPanelProps {
    /// The lab server's settings: what a replay runs against.
    pub settings: Rc<Settings>,
    /// The name of its profile, for the replay's heading.
    pub profile: AttrValue,
}

/// Where an explanation is.
#[derive(Debug, Default)]
struct Job {
    input: Vec<u8>,
    offset: usize,
    explainer: Option<Explainer>,
    lines: Vec<ExplainedLine>,
    summary: Option<Summary>,
}

impl Job {
    /// Explains the next slice; true when there is more to do.
    fn step(&mut self) -> bool {
        let Some(explainer) = self.explainer.as_mut() else {
            return false;
        };
        let end = (self.offset + SLICE).min(self.input.len());
        self.lines
            .extend(explainer.feed(&self.input[self.offset..end]));
        self.offset = end;
        if end < self.input.len() && !explainer.is_stopped() {
            return true;
        }
        if let Some(explainer) = self.explainer.take() {
            let (last, summary) = explainer.finish();
            self.lines.extend(last);
            self.summary = Some(summary);
        }
        false
    }
}

/// Runs the job slice by slice, redrawing after each.
fn run_slices(job: Rc<RefCell<Job>>, redraw: UseStateHandle<u64>) {
    let more = job.borrow_mut().step();
    redraw.set(*redraw + 1);
    if more {
        Timeout::new(0, move || run_slices(job, redraw)).forget();
    }
}

/// The Transcript panel.
#[component(ExplainPanel)]
pub fn explain_panel(props: &ExplainPanelProps) -> Html {
    let job = use_mut_ref(Job::default);
    let redraw = use_state(|| 0_u64);
    let shown = use_state(|| PAGE);
    let replayed = use_state(|| None::<Rc<Vec<ReplayStep>>>);
    let textarea = use_node_ref();

    let on_explain = explain_callback(
        job.clone(),
        redraw.clone(),
        shown.clone(),
        replayed.clone(),
        textarea.clone(),
    );
    let on_replay = {
        let (job, replayed, settings) = (job.clone(), replayed.clone(), props.settings.clone());
        Callback::from(move |_: MouseEvent| {
            let settings = Settings::clone(&settings);
            let now = (js_sys::Date::now() / 1000.0) as u64;
            replayed.set(Some(Rc::new(replay(&job.borrow().lines, settings, now))));
        })
    };
    let on_more = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + PAGE))
    };

    let job = job.borrow();
    let busy = job.explainer.is_some();
    html! {
        <div class="transcript">
            <label for="transcript-input">{ "Paste a transcript: swaks output, a telnet or nc copy, C:/S: lines, a Postfix or Exim log, or this page's own export." }</label>
            <textarea id="transcript-input" ref={textarea} rows="8" spellcheck="false" />
            <div class="buttons">
                <button type="button" onclick={on_explain} disabled={busy}>{ "Explain" }</button>
                <button type="button" onclick={on_replay} disabled={busy || job.lines.is_empty()}>{ "Replay against this server" }</button>
            </div>
            { progress(&job) }
            { summary_view(job.summary.as_ref()) }
            <ol class="explained">{ for job.lines.iter().take(*shown).map(line_view) }</ol>
            if job.lines.len() > *shown {
                <p>
                    { format!("Showing {} of {} lines. ", *shown, job.lines.len()) }
                    <button type="button" onclick={on_more}>{ format!("Show {PAGE} more") }</button>
                </p>
            }
            { replayed.as_ref().map(|steps| replay_view(steps, &props.profile)).unwrap_or_default() }
        </div>
    }
}

/// "Explain": starts a job over the textarea's text, from the first page.
fn explain_callback(
    job: Rc<RefCell<Job>>,
    redraw: UseStateHandle<u64>,
    shown: UseStateHandle<usize>,
    replayed: UseStateHandle<Option<Rc<Vec<ReplayStep>>>>,
    textarea: NodeRef,
) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let Some(area) = textarea.cast::<HtmlTextAreaElement>() else {
            return;
        };
        *job.borrow_mut() = Job {
            input: area.value().into_bytes(),
            explainer: Some(Explainer::new()),
            ..Job::default()
        };
        shown.set(PAGE);
        replayed.set(None);
        run_slices(job.clone(), redraw.clone());
    })
}

fn progress(job: &Job) -> Html {
    if job.explainer.is_none() {
        return Html::default();
    }
    let percent = if job.input.is_empty() {
        100
    } else {
        job.offset * 100 / job.input.len()
    };
    html! {
        <p class="progress" role="status" aria-live="polite">
            <progress max="100" value={percent.to_string()}></progress>
            { format!(" Explaining: {} lines so far ({percent}% read)", job.lines.len()) }
        </p>
    }
}

fn summary_view(summary: Option<&Summary>) -> Html {
    let Some(summary) = summary else {
        return Html::default();
    };
    let formats: Vec<String> = summary
        .formats
        .iter()
        .map(|(f, n)| format!("{} ({n})", f.name()))
        .collect();
    let kinds: Vec<String> = summary
        .kinds
        .iter()
        .map(|(k, n)| format!("{} {n}", render::kind_word(*k)))
        .collect();
    html! {
        <div class="summary" role="status">
            <p>{ format!("{} lines read as {}: {}.", summary.lines, if formats.is_empty() { "no known format".to_owned() } else { formats.join(", ") }, kinds.join(", ")) }</p>
            { for summary.notices.iter().map(|n| html! { <p class="notice-text">{ n.clone() }</p> }) }
        </div>
    }
}

fn line_view(line: &ExplainedLine) -> Html {
    let kind = format!("k-{}", render::kind_word(line.kind).replace(' ', "-"));
    let note = &line.note;
    html! {
        <li class={classes!("x-line", kind)} value={line.number.to_string()}>
            <details>
                <summary>
                    <span class="tag">{ render::tag(line.kind) }</span>
                    <code class="text">{ line.shown.clone() }</code>
                    <span class="title">{ note.title.clone() }</span>
                    { for line.findings.iter().map(|f| html! { <span class={classes!("finding", render::severity_word(f.severity))}>{ render::severity_word(f.severity) }</span> }) }
                </summary>
                <dl>
                    if !note.meaning.is_empty() { <dt>{ "What it means" }</dt><dd>{ note.meaning.clone() }</dd> }
                    if !note.why.is_empty() { <dt>{ "Why now" }</dt><dd>{ note.why.clone() }</dd> }
                    if !note.rfc.is_empty() { <dt>{ "Where it is written" }</dt><dd>{ note.rfc.clone() }</dd> }
                    { for line.findings.iter().map(|f| html! { <><dt>{ format!("Finding ({})", render::severity_word(f.severity)) }</dt><dd>{ format!("{} ({})", f.message, f.rfc) }</dd></> }) }
                </dl>
            </details>
        </li>
    }
}

fn replay_view(steps: &[ReplayStep], profile: &str) -> Html {
    let rows = steps.iter().map(|step| {
        let sent = step
            .line
            .map_or_else(|| "(connect)".to_owned(), |n| format!("{n}: {}", step.sent));
        let code = |lines: &[String]| lines.last().map(|l| l.chars().take(3).collect::<String>());
        let differs = !step.recorded.is_empty() && code(&step.recorded) != code(&step.simulated);
        html! {
            <tr class={classes!(differs.then_some("differs"))}>
                <td><code>{ sent }</code></td>
                <td><pre>{ step.recorded.join("\n") }</pre></td>
                <td><pre>{ step.simulated.join("\n") }</pre></td>
            </tr>
        }
    });
    html! {
        <section class="replay">
            <h3>{ format!("Replayed against the simulated server (profile {profile})") }</h3>
            <table>
                <thead><tr><th>{ "Client sent" }</th><th>{ "Transcript shows" }</th><th>{ "Simulated server answers" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    //! The panel on its own in a real browser DOM: paste, explain, replay.

    use std::rc::Rc;
    use std::time::Duration;

    use smtplab_engine::Settings;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

    use super::{ExplainPanel, ExplainPanelProps};

    wasm_bindgen_test_configure!(run_in_browser);

    const RELAY_DENIED: &str =
        include_str!("../../../crates/smtplab-explain/tests/data/swaks-postfix-relay-denied.txt");

    async fn wait_for(root: &Element, selector: &str, needle: &str) {
        for _ in 0..200 {
            let text = root
                .query_selector(selector)
                .unwrap()
                .and_then(|e| e.text_content());
            if text.is_some_and(|t| t.contains(needle)) {
                return;
            }
            yew::platform::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{selector} never showed {needle:?}: {}", root.inner_html());
    }

    fn button(root: &Element, label: &str) -> HtmlElement {
        let buttons = root.query_selector_all("button").unwrap();
        (0..buttons.length())
            .filter_map(|i| buttons.item(i)?.dyn_into::<HtmlElement>().ok())
            .find(|b| b.text_content().is_some_and(|t| t.contains(label)))
            .unwrap_or_else(|| panic!("no {label} button"))
    }

    fn mount() -> Element {
        let document = web_sys::window().unwrap().document().unwrap();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let props = ExplainPanelProps {
            settings: Rc::new(Settings::preset("strict").unwrap()),
            profile: "strict".into(),
        };
        yew::Renderer::<ExplainPanel>::with_root_and_props(root.clone(), props).render();
        root
    }

    #[wasm_bindgen_test]
    async fn a_pasted_transcript_is_explained_and_replayed() {
        let root = mount();
        yew::platform::time::sleep(Duration::from_millis(20)).await;
        let area: HtmlTextAreaElement = root
            .query_selector("textarea")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        area.set_value(RELAY_DENIED);
        button(&root, "Explain").click();
        wait_for(&root, ".summary", "21 lines read as swaks output (21)").await;
        wait_for(&root, "ol.explained", "554 Relay denied").await;
        wait_for(&root, "ol.explained", "RFC 5321 lists").await;
        button(&root, "Replay").click();
        wait_for(
            &root,
            ".replay",
            "Replayed against the simulated server (profile strict)",
        )
        .await;
        wait_for(
            &root,
            ".replay",
            "554 5.7.1 <bob@example.net>: Relay access denied",
        )
        .await;
    }

    #[wasm_bindgen_test]
    async fn a_long_paste_shows_progress_then_pages_its_lines() {
        let root = mount();
        yew::platform::time::sleep(Duration::from_millis(20)).await;
        let area: HtmlTextAreaElement = root
            .query_selector("textarea")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        area.set_value(&"C: NOOP\nS: 250 2.0.0 Ok\n".repeat(20_000));
        button(&root, "Explain").click();
        wait_for(&root, ".progress", "Explaining:").await;
        wait_for(&root, ".summary", "40000 lines").await;
        wait_for(&root, ".transcript", "Showing 300 of 40000 lines.").await;
        assert_eq!(
            root.query_selector_all("ol.explained > li")
                .unwrap()
                .length(),
            300
        );
    }
}

#[cfg(test)]
mod export_tests {
    //! The page's own export (Copy transcript / Download) explains fully.

    use smtplab_engine::Settings;
    use smtplab_explain::format::Format;
    use smtplab_explain::{explain, Kind};

    use crate::lab::Lab;

    #[test]
    fn the_sandbox_export_explains_without_an_unknown_line() {
        let script: Vec<String> = [
            "telnet localhost smtp",
            "EHLO client.example",
            "MAIL FROM:<alice@example.org>",
            "RCPT TO:<bob@example.com>",
            "RCPT TO:<nobody@example.com>",
            "DATA",
            "Subject: hi\n\nHello\n..dot\n.",
            "QUIT",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let lab = Lab::replay("default", Settings::default(), &script, 0);
        let export = lab.export_text();
        let explanation = explain(export.as_bytes());
        let unknown: Vec<_> = explanation
            .lines
            .iter()
            .filter(|l| l.kind == Kind::Unknown)
            .map(|l| l.shown.clone())
            .collect();
        assert_eq!(unknown, Vec::<String>::new(), "{export}");
        assert_eq!(
            explanation.summary.formats,
            [(
                Format::Markers,
                explanation
                    .lines
                    .iter()
                    .filter(|l| l.format.is_some())
                    .count()
            )],
            "{export}"
        );
        let refused = explanation
            .lines
            .iter()
            .find(|l| l.shown.contains("User unknown"))
            .expect(&export);
        assert_eq!(refused.note.title, "550 No such user");
        let tools = explanation
            .lines
            .iter()
            .filter(|l| l.kind == Kind::Tool)
            .count();
        assert!(
            tools >= 4,
            "the shell's telnet lines are tool output: {export}"
        );
    }
}

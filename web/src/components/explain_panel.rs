//! The Transcript panel: paste any SMTP session (swaks, telnet, C:/S:
//! lines, a Postfix or Exim log, this page's own export) and see every
//! line explained, with a progress line while a long paste is read in
//! slices, and a replay against the lab's simulated server. The
//! explaining is done by the explainer module, loaded on first use
//! (`crate::explainer`); the replay runs here, against the lab's settings.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use smtplab_engine::Settings;
use smtplab_explain::replay::{replay_inputs_against, ReplayStep, SERVER_CLOSED};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::explainer::{new_explainer, TranscriptExplainer};
use crate::i18n::{tr, trf};

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
#[derive(Default)]
struct Job {
    /// The explainer module is being fetched.
    loading: bool,
    /// Why the explainer module could not be loaded.
    failure: Option<String>,
    input: Vec<u8>,
    offset: usize,
    explainer: Option<TranscriptExplainer>,
    /// Whether slices are still being explained.
    running: bool,
    lines: usize,
    summary: String,
}

impl Job {
    /// Explains the next slice; true when there is more to do.
    fn step(&mut self) -> bool {
        let Some(explainer) = self.explainer.as_ref() else {
            return false;
        };
        let end = (self.offset + SLICE).min(self.input.len());
        let reading = explainer.feed(&self.input[self.offset..end]);
        self.offset = end;
        let more = reading && end < self.input.len();
        if !more {
            explainer.finish();
            self.summary = explainer.summary_html();
            self.running = false;
        }
        self.lines = explainer.line_count();
        more
    }

    fn busy(&self) -> bool {
        self.loading || self.running
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
            let Some(inputs) = job.borrow().explainer.as_ref().map(|e| e.replay_inputs()) else {
                return;
            };
            let now = (js_sys::Date::now() / 1000.0) as u64;
            let steps = replay_inputs_against(&inputs, Settings::clone(&settings), now);
            replayed.set(Some(Rc::new(steps)));
        })
    };
    let on_more = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + PAGE))
    };

    let job = job.borrow();
    let busy = job.busy();
    html! {
        <div class="transcript">
            <label for="transcript-input">{ tr("Paste a transcript: swaks output, a telnet or nc copy, C:/S: lines, a Postfix or Exim log, or this page's own export.") }</label>
            <textarea id="transcript-input" ref={textarea} rows="8" spellcheck="false" />
            <div class="buttons">
                <button type="button" onclick={on_explain} disabled={busy}>{ tr("Explain") }</button>
                <button type="button" onclick={on_replay} disabled={busy || job.lines == 0}>{ tr("Replay against this server") }</button>
            </div>
            { progress(&job) }
            { Html::from_html_unchecked(AttrValue::from(job.summary.clone())) }
            { lines_view(&job, *shown) }
            if job.lines > *shown {
                <p>
                    { trf("Showing {} of {} lines. ", &[&shown.to_string(), &job.lines.to_string()]) }
                    <button type="button" onclick={on_more}>{ trf("Show {} more", &[&PAGE.to_string()]) }</button>
                </p>
            }
            { replayed.as_ref().map(|steps| replay_view(steps, &props.profile)).unwrap_or_default() }
        </div>
    }
}

/// "Explain": loads the explainer module if need be, then starts a job
/// over the textarea's text, from the first page.
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
        if let Some(old) = job.borrow_mut().explainer.take() {
            old.free();
        }
        *job.borrow_mut() = Job {
            loading: true,
            input: area.value().into_bytes(),
            ..Job::default()
        };
        shown.set(PAGE);
        replayed.set(None);
        redraw.set(*redraw + 1);
        let (job, redraw) = (job.clone(), redraw.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let loaded = new_explainer().await;
            let mut current = job.borrow_mut();
            current.loading = false;
            match loaded {
                Ok(explainer) => {
                    current.explainer = Some(explainer);
                    current.running = true;
                }
                Err(failure) => current.failure = Some(failure),
            }
            let running = current.running;
            drop(current);
            if running {
                run_slices(job, redraw);
            } else {
                redraw.set(*redraw + 1);
            }
        });
    })
}

fn progress(job: &Job) -> Html {
    if let Some(failure) = &job.failure {
        return html! { <p class="notice-text" role="alert">{ failure.clone() }</p> };
    }
    if job.loading {
        return html! { <p class="progress" role="status" aria-live="polite">{ tr("Loading the explainer…") }</p> };
    }
    if !job.running {
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
            { trf(" Explaining: {} lines so far ({}% read)", &[&job.lines.to_string(), &percent.to_string()]) }
        </p>
    }
}

/// The first `shown` explained lines, as the explainer writes them.
fn lines_view(job: &Job, shown: usize) -> Html {
    let markup = job
        .explainer
        .as_ref()
        .map(|explainer| explainer.lines_html(0, shown))
        .unwrap_or_default();
    html! { <ol class="explained">{ Html::from_html_unchecked(AttrValue::from(markup)) }</ol> }
}

/// The simulated server's lines; the replay's own note in the page's language.
fn simulated_text(lines: &[String]) -> String {
    let lines: Vec<&str> = lines
        .iter()
        .map(|line| match line.as_str() {
            SERVER_CLOSED => tr(SERVER_CLOSED),
            other => other,
        })
        .collect();
    lines.join("\n")
}

fn replay_view(steps: &[ReplayStep], profile: &str) -> Html {
    let rows = steps.iter().map(|step| {
        let sent = step.line.map_or_else(
            || tr("(connect)").to_owned(),
            |n| format!("{n}: {}", step.sent),
        );
        let code = |lines: &[String]| lines.last().map(|l| l.chars().take(3).collect::<String>());
        let differs = !step.recorded.is_empty() && code(&step.recorded) != code(&step.simulated);
        html! {
            <tr class={classes!(differs.then_some("differs"))}>
                <td><code>{ sent }</code></td>
                <td><pre>{ step.recorded.join("\n") }</pre></td>
                <td><pre>{ simulated_text(&step.simulated) }</pre></td>
            </tr>
        }
    });
    html! {
        <section class="replay">
            <h3>{ trf("Replayed against the simulated server (profile {})", &[profile]) }</h3>
            <table>
                <thead><tr><th>{ tr("Client sent") }</th><th>{ tr("Transcript shows") }</th><th>{ tr("Simulated server answers") }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
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

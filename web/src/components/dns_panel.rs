//! The "DNS" tab: the mail network's zones, every record as its zone-file
//! line, with edit, delete and add. A change goes to the live network, so
//! the next delivery's SPF, DKIM and DMARC checks read it; a refused
//! change is explained and the typed text stays where it was.

use std::rc::Rc;

use smtplab_engine::network::{RecordError, ZoneEditError};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{tr, trf};
use crate::lab::DnsChange;

/// One zone as the tab lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneView {
    /// The zone's name.
    pub name: String,
    /// Who runs it.
    pub organisation: String,
    /// Its records, each a zone-file line.
    pub records: Vec<String>,
}

/// Props of [`DnsPanel`].
#[derive(Properties, PartialEq)]
pub struct DnsPanelProps {
    /// The zones (none in a lesson without a network).
    pub zones: Rc<Vec<ZoneView>>,
    /// Why the last change was refused, if it was.
    pub problem: Option<ZoneEditError>,
    /// Counts the changes made, so the panel knows when one went through.
    pub applied: u32,
    /// Asks for a change.
    pub on_change: Callback<DnsChange>,
}

/// What the panel asked for last, to clear the right draft once it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    Nothing,
    Add,
    Edit,
    Delete(String),
}

/// A refused change in the learner's words.
pub fn problem_text(problem: &ZoneEditError) -> String {
    match problem {
        ZoneEditError::NotAnEdit(text) => trf("{} is not a change", &[text]),
        ZoneEditError::BadRecord(error) => record_problem(error),
        ZoneEditError::NoZone { owner, zones } => trf(
            "No zone of this network holds {}. Records go in one of these zones: {}.",
            &[owner, &zones.join(", ")],
        ),
        ZoneEditError::AlreadyThere(line) => trf("This record is published already: {}", &[line]),
        ZoneEditError::NotFound(line) => trf(
            "There is no record {} any more: it was changed meanwhile.",
            &[line],
        ),
        ZoneEditError::Invalid(reason) => {
            trf("Not changed: the network would break. {}", &[reason])
        }
        ZoneEditError::NoNetwork => {
            tr("There is no network here, so there is no DNS to change.").to_owned()
        }
    }
}

fn record_problem(error: &RecordError) -> String {
    match error {
        RecordError::TooShort => tr("Not a record: write name, TTL, IN, type and data, such as example.org. 3600 IN TXT \"v=spf1 -all\".").to_owned(),
        RecordError::BadName(name) => trf("Not a record: {} is not a DNS name.", &[name]),
        RecordError::UnsupportedClass(class) => {
            trf("Not a record: class {} is not served, only IN.", &[class])
        }
        RecordError::UnknownType(name) => trf(
            "Not a record: type {} is not served (A, AAAA, MX, TXT or PTR).",
            &[name],
        ),
        RecordError::BadData {
            record_type,
            reason,
        } => trf(
            "Not a record: bad {} data ({}).",
            &[record_type.mnemonic(), reason],
        ),
    }
}

fn input_value(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

/// The DNS tab.
#[component(DnsPanel)]
pub fn dns_panel(props: &DnsPanelProps) -> Html {
    let editing = use_state(|| None::<String>);
    let edit_text = use_state(String::new);
    let add_text = use_state(String::new);
    let pending = use_state(|| Pending::Nothing);
    {
        let (editing, add_text, pending) = (editing.clone(), add_text.clone(), pending.clone());
        use_effect_with(props.applied, move |_| {
            match &*pending {
                Pending::Add => add_text.set(String::new()),
                Pending::Edit => editing.set(None),
                // The deleted line waits in the add box: one click puts it back.
                Pending::Delete(line) => add_text.set(line.clone()),
                Pending::Nothing => return,
            }
            pending.set(Pending::Nothing);
        });
    }
    if props.zones.is_empty() {
        return html! { <p class="muted">{ tr("This lesson has no mail network, so there is no DNS to edit.") }</p> };
    }
    let state = RowState {
        editing: editing.clone(),
        edit_text: edit_text.clone(),
        pending: pending.clone(),
        on_change: props.on_change.clone(),
    };
    let zones = props.zones.iter().map(|zone| zone_view(zone, &state));
    let problem = props.problem.as_ref().map(|problem| {
        html! { <p class="dns-problem" role="alert">{ problem_text(problem) }</p> }
    });
    html! {
        <div class="dns-panel">
            <p class="muted">{ tr("The DNS of the mail network. A change takes effect at once: dig shows it, and receivers read it when the next message arrives. Send again to see what it changes.") }</p>
            { add_form(&add_text, &pending, &props.on_change) }
            { for problem }
            { for zones }
        </div>
    }
}

/// What every record row needs.
struct RowState {
    editing: UseStateHandle<Option<String>>,
    edit_text: UseStateHandle<String>,
    pending: UseStateHandle<Pending>,
    on_change: Callback<DnsChange>,
}

fn add_form(
    add_text: &UseStateHandle<String>,
    pending: &UseStateHandle<Pending>,
    on_change: &Callback<DnsChange>,
) -> Html {
    let oninput = {
        let add_text = add_text.clone();
        Callback::from(move |e: InputEvent| add_text.set(input_value(&e)))
    };
    let onsubmit = {
        let (add_text, pending, on_change) = (add_text.clone(), pending.clone(), on_change.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if add_text.trim().is_empty() {
                return;
            }
            pending.set(Pending::Add);
            on_change.emit(DnsChange {
                delete: None,
                add: Some((*add_text).clone()),
            });
        })
    };
    html! {
        <form class="dns-add" {onsubmit}>
            <label for="dns-add-record">{ tr("Add a record") }</label>
            <input id="dns-add-record" type="text" spellcheck="false" value={(**add_text).clone()} {oninput}
                placeholder="isp.example. 3600 IN TXT &quot;v=spf1 a:smtp.isp.example -all&quot;" />
            <button type="submit">{ tr("Add") }</button>
        </form>
    }
}

fn zone_view(zone: &ZoneView, state: &RowState) -> Html {
    let rows = zone.records.iter().map(|line| record_row(line, state));
    html! {
        <section class="dns-zone">
            <h3>{ &zone.name }{ " " }<span class="muted">{ &zone.organisation }</span></h3>
            <ul>{ for rows }</ul>
        </section>
    }
}

fn record_row(line: &str, state: &RowState) -> Html {
    if state.editing.as_deref() == Some(line) {
        return edit_row(line, state);
    }
    let onedit = {
        let (editing, edit_text, line) = (
            state.editing.clone(),
            state.edit_text.clone(),
            line.to_owned(),
        );
        Callback::from(move |_: MouseEvent| {
            edit_text.set(line.clone());
            editing.set(Some(line.clone()));
        })
    };
    let ondelete = {
        let (pending, on_change, line) = (
            state.pending.clone(),
            state.on_change.clone(),
            line.to_owned(),
        );
        Callback::from(move |_: MouseEvent| {
            pending.set(Pending::Delete(line.clone()));
            on_change.emit(DnsChange {
                delete: Some(line.clone()),
                add: None,
            });
        })
    };
    html! {
        <li class="dns-record">
            <code>{ line }</code>
            <span class="dns-actions">
                <button type="button" onclick={onedit} aria-label={trf("Edit {}", &[line])}>{ tr("Edit") }</button>
                <button type="button" onclick={ondelete} aria-label={trf("Delete {}", &[line])}>{ tr("Delete") }</button>
            </span>
        </li>
    }
}

fn edit_row(line: &str, state: &RowState) -> Html {
    let oninput = {
        let edit_text = state.edit_text.clone();
        Callback::from(move |e: InputEvent| edit_text.set(input_value(&e)))
    };
    let onsubmit = {
        let (edit_text, pending, on_change, line) = (
            state.edit_text.clone(),
            state.pending.clone(),
            state.on_change.clone(),
            line.to_owned(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            pending.set(Pending::Edit);
            on_change.emit(DnsChange {
                delete: Some(line.clone()),
                add: Some((*edit_text).clone()),
            });
        })
    };
    let oncancel = {
        let editing = state.editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(None))
    };
    html! {
        <li class="dns-record editing">
            <form {onsubmit}>
                <input type="text" spellcheck="false" aria-label={tr("The record, as a zone-file line")}
                    value={(*state.edit_text).clone()} {oninput} />
                <button type="submit">{ tr("Save") }</button>
                <button type="button" onclick={oncancel}>{ tr("Cancel") }</button>
            </form>
        </li>
    }
}

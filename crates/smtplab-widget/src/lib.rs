//! The wasm side of the `<smtp-lab>` custom element: `web/widget/smtp-lab.js`
//! creates a shadow root and calls [`mount`] once per element, so every
//! widget on a page is its own session. The handle it returns carries the
//! host page's calls in, and `mount`'s `on_event` carries events out.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use smtplab_web::i18n::{self, Lang};
use smtplab_web::widget::{Panels, Widget, WidgetOptions};
use smtplab_web::widget_host::{HostCall, HostEvent, HostLink, SharedHostLink};
use wasm_bindgen::prelude::*;
use yew::AppHandle;

/// The module's allocator: talc, smaller than the default dlmalloc (see
/// `cargo xtask size`).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The stylesheet the shadow root adopts: the app's own, so the widget and
/// the app always look alike.
const STYLE: &str = include_str!("../../../web/style.css");

/// A mounted widget: the host's calls go in through it; `destroy()`
/// unmounts it.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<Widget>>,
    link: Rc<HostLink>,
    problem: Option<String>,
}

impl core::fmt::Debug for WidgetHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WidgetHandle")
            .field("mounted", &self.app.is_some())
            .finish()
    }
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Unmounts the widget (the element left the page).
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.link.detach();
    }

    /// What is wrong with the attributes, for the page author, if anything.
    pub fn problem(&self) -> Option<String> {
        self.problem.clone()
    }

    /// Submits `text` as if typed and entered; several lines go as one
    /// pipelined chunk, as a paste does.
    pub fn send(&self, text: String) {
        self.link.call(HostCall::Send(text));
    }

    /// A fresh session with the same profile (or lesson).
    pub fn reset(&self) {
        self.link.call(HostCall::Reset);
    }

    /// Resets, then types `script` in, as the `script` attribute does.
    pub fn load(&self, script: String) {
        self.link.call(HostCall::Load(script));
    }

    /// Calls `done(true)` once every call so far is applied and its events
    /// are sent, or `done(false)` if the widget is unmounted first. (The
    /// page makes the promise: a promise made here would cost the bundle a
    /// closure type.)
    #[wasm_bindgen(js_name = whenApplied)]
    pub fn when_applied(&self, done: Function) {
        self.link.when_applied(move |applied| {
            let _ = done.call1(&JsValue::NULL, &applied.into());
        });
    }

    /// The session as plain text, as the app's Copy transcript gives it.
    pub fn transcript(&self) -> String {
        self.link.transcript()
    }
}

/// An event's `detail` object, as the host reads it.
fn event_detail(event: &HostEvent) -> Object {
    let detail = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&detail, &key.into(), &value);
    };
    match event {
        HostEvent::Command { text, kind } => {
            set("text", text.into());
            set("kind", (*kind).into());
        }
        HostEvent::Reply {
            code,
            enhanced,
            text,
            lines,
        } => {
            set("code", (*code).into());
            set(
                "enhanced",
                enhanced.as_deref().map_or(JsValue::NULL, Into::into),
            );
            set("text", text.into());
            set(
                "lines",
                lines.iter().map(JsValue::from).collect::<Array>().into(),
            );
        }
        HostEvent::StateChange { from, to } => {
            set("from", (*from).into());
            set("to", (*to).into());
        }
        HostEvent::GoalComplete {
            lesson,
            goal,
            index,
        } => {
            set("lesson", lesson.into());
            set("goal", goal.into());
            set("index", (*index).into());
        }
        HostEvent::LessonComplete { lesson } => set("lesson", lesson.into()),
    }
    detail
}

/// The CSS for the shadow root. `rem` is relative to the host page's root
/// font size, which the host may set to anything; inside the widget every
/// size is made relative to the widget's own fixed font size instead.
#[wasm_bindgen(js_name = widgetCss)]
pub fn widget_css() -> String {
    STYLE.replace("rem", "em")
}

/// Mounts a widget into `root` (an element inside the shadow root).
/// `lesson` (a built-in lesson id) works in the build with the `lessons`
/// feature; the other build says it cannot show lessons.
/// `panels` lists extra panels, space-separated ([`smtplab_web::widget::PANEL_NAMES`]):
/// `diagram`, `table`, `mailboxes`, `sequence` (the network's; the lesson
/// build only, as `mailboxes`) and `noexplain` (the explanation is on without it). `table` is the zh-CN
/// translation table's JSON text when the element reads in Chinese (its
/// `lang` attribute, else the browser's language; smtp-lab.js fetches it),
/// else absent: English. The language is the page's, so the last element
/// mounted sets it for all. `on_event(type, detail)` is
/// called for every event the host page hears (`command`, `reply`,
/// `state-change`, `goal-complete`, `lesson-complete`).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn mount(
    root: web_sys::Element,
    profile: String,
    script: String,
    autoplay: bool,
    panels: String,
    height: Option<String>,
    lesson: Option<String>,
    table: Option<String>,
    on_event: Function,
) -> WidgetHandle {
    let chinese = table.is_some_and(|json| i18n::install_json(json).is_ok());
    i18n::set_current(if chinese { Lang::ZhCn } else { Lang::En });
    let link = Rc::new(HostLink::new(move |event| {
        // A listener's exception is the host's business, not the widget's.
        let _ = on_event.call2(&JsValue::NULL, &event.name().into(), &event_detail(event));
    }));
    let options = WidgetOptions {
        profile: profile.into(),
        script: WidgetOptions::parse_script(&script),
        autoplay,
        panels: Panels::parse(&panels),
        height: height.filter(|h| is_css_length(h)).map(Into::into),
        lesson: lesson.map(Into::into),
        host: Some(SharedHostLink(link.clone())),
    };
    let problem = options.problem();
    let app = yew::Renderer::<Widget>::with_root_and_props(root, options).render();
    WidgetHandle {
        app: Some(app),
        link,
        problem,
    }
}

/// A plain CSS length such as `20rem` or `300px`, so an attribute cannot
/// smuggle other declarations into the style.
fn is_css_length(text: &str) -> bool {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
    let unit = &text[digits.len()..];
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && matches!(unit, "px" | "rem" | "em" | "vh" | "%" | "lh")
}

#[cfg(test)]
mod tests {
    use super::is_css_length;

    #[test]
    fn only_plain_lengths_pass() {
        for ok in ["300px", "20rem", "50vh", "12.5em"] {
            assert!(is_css_length(ok), "{ok}");
        }
        for bad in ["", "px", "1px; color: red", "calc(1px)", "10", "red"] {
            assert!(!is_css_length(bad), "{bad}");
        }
    }
}

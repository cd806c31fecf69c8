//! The Transcript tab's explainer, built as a wasm module of its own
//! (`dist/explain/`) so the sandbox page downloads it only when a learner
//! first explains a transcript. The page feeds the paste in slices (and
//! redraws its progress between them), then takes the lines as HTML
//! (escaped by `smtplab_explain::html`) a page at a time, and the inputs
//! of a replay, which it runs against its own simulated server.
//!
//! The page hands its translation table over (the JSON text of
//! `i18n/zh-CN.json`) when its language is not English, so the
//! explanations read in that language (`smtplab_explain::text`).

use js_sys::{Array, Uint8Array};
use smtplab_explain::replay::replay_inputs;
use smtplab_explain::text::{set_lookup, Lookup};
use smtplab_explain::{html, ExplainedLine, Explainer, Summary};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The module's allocator: talc, smaller than the default dlmalloc (see
/// `cargo xtask size`).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

thread_local! {
    /// The page's translation table (a parsed JSON object), or undefined.
    static TABLE: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// A text's translation in the page's table, if it has one.
fn translation(english: &str) -> Option<String> {
    TABLE.with(|table| {
        let table = table.borrow();
        let text = js_sys::Reflect::get(&table, &JsValue::from_str(english)).ok()?;
        text.as_string()
    })
}

/// One explanation in progress, then done.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct TranscriptExplainer {
    explainer: Option<Explainer>,
    lines: Vec<ExplainedLine>,
    summary: Option<Summary>,
}

#[wasm_bindgen]
impl TranscriptExplainer {
    /// A new explanation, waiting for its first slice, written in the
    /// language of `table` (a JSON object of English text -> translation;
    /// none, or not such an object: English).
    #[wasm_bindgen(constructor)]
    pub fn new(table: Option<String>) -> Self {
        let parsed = table
            .and_then(|json| js_sys::JSON::parse(&json).ok())
            .filter(JsValue::is_object);
        let lookup: Lookup = translation;
        set_lookup(parsed.is_some().then_some(lookup));
        TABLE.with(|t| *t.borrow_mut() = parsed.unwrap_or(JsValue::UNDEFINED));
        Self {
            explainer: Some(Explainer::new()),
            ..Self::default()
        }
    }

    /// Explains the next slice of the paste. False once a limit stopped
    /// the reading (the rest would not be read), or after [`Self::finish`].
    pub fn feed(&mut self, slice: &[u8]) -> bool {
        let Some(explainer) = self.explainer.as_mut() else {
            return false;
        };
        self.lines.extend(explainer.feed(slice));
        !explainer.is_stopped()
    }

    /// Ends the paste: the last line, and the summary.
    pub fn finish(&mut self) {
        if let Some(explainer) = self.explainer.take() {
            let (last, summary) = explainer.finish();
            self.lines.extend(last);
            self.summary = Some(summary);
        }
    }

    /// Lines explained so far.
    #[wasm_bindgen(getter)]
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Lines `from..to` (clamped) as `<li>` elements.
    pub fn lines_html(&self, from: usize, to: usize) -> String {
        let to = to.min(self.lines.len());
        let mut out = String::new();
        for line in self.lines.get(from..to).unwrap_or_default() {
            html::line(&mut out, line);
        }
        out
    }

    /// The summary as HTML once [`Self::finish`] ran, else empty.
    pub fn summary_html(&self) -> String {
        let mut out = String::new();
        if let Some(summary) = &self.summary {
            html::summary(&mut out, summary);
        }
        out
    }

    /// What a replay sends: one `[line number or null, octets, recorded
    /// reply lines]` per step, the greeting first.
    pub fn replay_inputs(&self) -> Array {
        replay_inputs(&self.lines)
            .into_iter()
            .map(|input| {
                let line = input
                    .line
                    .map_or(JsValue::NULL, |n| JsValue::from(n as u32));
                let recorded: Array = input.recorded.iter().map(JsValue::from).collect();
                Array::of3(&line, &Uint8Array::from(&input.sent[..]), &recorded)
            })
            .collect()
    }
}

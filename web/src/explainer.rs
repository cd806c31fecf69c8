//! The Transcript tab's explainer: a wasm module of its own
//! (`dist/explain/`, crate `smtplab-explain-wasm`) that the page imports
//! the first time a learner explains a transcript, so the sandbox's first
//! download does not carry it. This file is the page's view of that
//! module: the loader and the methods the tab calls.

use crate::i18n::trf;
use js_sys::{Array, Uint8Array};
use smtplab_explain::replay::ReplayInput;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Where the module is, relative to the page.
pub const EXPLAINER_MODULE: &str = "explain/smtplab_explain_wasm.js";

#[wasm_bindgen(inline_js = r#"
let loaded;
export function new_explainer(path, table) {
  // One import per page; a failed one is tried again on the next click.
  loaded ??= import(new URL(path, document.baseURI).href)
    .then(async (module) => { await module.default(); return module; })
    .catch((error) => { loaded = undefined; throw error; });
  return loaded.then((module) => new module.TranscriptExplainer(table));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = new_explainer)]
    fn new_explainer_promise(path: &str, table: Option<String>) -> js_sys::Promise;

    /// One explanation in the explainer module (see that crate for each method).
    pub type TranscriptExplainer;

    /// Explains the next slice; false once a limit stopped the reading.
    #[wasm_bindgen(method)]
    pub fn feed(this: &TranscriptExplainer, slice: &[u8]) -> bool;

    /// Ends the paste: the last line and the summary.
    #[wasm_bindgen(method)]
    pub fn finish(this: &TranscriptExplainer);

    /// Lines explained so far.
    #[wasm_bindgen(method, getter)]
    pub fn line_count(this: &TranscriptExplainer) -> usize;

    /// Lines `from..to` as `<li>` elements, every transcript text escaped.
    #[wasm_bindgen(method)]
    pub fn lines_html(this: &TranscriptExplainer, from: usize, to: usize) -> String;

    /// The summary as HTML once finished.
    #[wasm_bindgen(method)]
    pub fn summary_html(this: &TranscriptExplainer) -> String;

    #[wasm_bindgen(method, js_name = replay_inputs)]
    fn replay_inputs_array(this: &TranscriptExplainer) -> Array;

    /// Releases the explanation's memory in the module.
    #[wasm_bindgen(method)]
    pub fn free(this: &TranscriptExplainer);
}

/// A new explanation in the page's language, loading the module first if
/// this page has not yet. The error is a sentence for the learner.
pub async fn new_explainer() -> Result<TranscriptExplainer, String> {
    let table = crate::i18n::table_json();
    wasm_bindgen_futures::JsFuture::from(new_explainer_promise(EXPLAINER_MODULE, table))
        .await
        .map(JsCast::unchecked_into)
        .map_err(|error| {
            let reason = error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "unknown error".to_owned());
            trf("The explainer could not be loaded ({}). Check the connection and press Explain again.", &[&reason.to_string()])
        })
}

impl TranscriptExplainer {
    /// What a replay sends and what the transcript recorded, step by step.
    pub fn replay_inputs(&self) -> Vec<ReplayInput> {
        self.replay_inputs_array()
            .iter()
            .map(|step| {
                let step: Array = step.unchecked_into();
                ReplayInput {
                    line: step.get(0).as_f64().map(|n| n as usize),
                    sent: step.get(1).unchecked_into::<Uint8Array>().to_vec(),
                    recorded: step
                        .get(2)
                        .unchecked_into::<Array>()
                        .iter()
                        .filter_map(|line| line.as_string())
                        .collect(),
                }
            })
            .collect()
    }
}

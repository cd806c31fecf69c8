//! smtplab-wasm: the JavaScript API of the smtplab engine, a thin
//! wasm-bindgen layer that converts types and nothing more.
//!
//! ```text
//!  new Session(options) ──► options::parse ──► smtplab_engine::Session::new
//!  session.send(text)   ──► CRLF per line ──► feed ──► drain outputs ──► Reply[] (view::ReplyView)
//!                                                         ├─► events()     (view::EventView)
//!                                                         ├─► transcript() (engine Transcript)
//!                                                         └─► mailboxes()  (engine Mailstore)
//!  explainCode / commands / presets ──► engine catalogue ──► plain objects
//! ```
//!
//! Returned values cross the boundary with serde-wasm-bindgen as plain
//! objects (`view.rs`). The one structured input, the settings patch, is
//! read field by field by the engine's patch reader straight from the
//! JavaScript value (`settings.rs`: serde's derived `Deserialize` would have
//! cost 24 KB of the 80 KB gzip budget), and `presets()` returns JSON that
//! build.rs made from the engine. Every failure is an [`Error`] that
//! becomes a thrown JavaScript `Error` in one place ([`error`]). The
//! TypeScript declarations live in `types.rs`. Usage: `README.md`.

pub mod error;
mod js;
mod options;
pub mod session;
mod settings;
mod types;
mod view;

use smtplab_engine::catalogue::{class_meaning, replies_with_code, CommandInfo, COMMANDS};
use smtplab_engine::{EnhancedCode, ReplyClass};
use wasm_bindgen::prelude::*;

pub use error::Error;
pub use session::ApiSession;

use view::CodeExplanation;

/// The module's allocator: talc, smaller than the default dlmalloc (see
/// `cargo xtask size`).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Explains a reply code (`550`, `"550"`) or an enhanced status code
/// (`"5.1.1"`): what its class means and every catalogue entry with that code.
#[wasm_bindgen(js_name = explainCode, unchecked_return_type = "CodeExplanation")]
pub fn explain_code(
    #[wasm_bindgen(unchecked_param_type = "number | string")] code: JsValue,
) -> Result<JsValue, Error> {
    let explanation = match parse_code(&code)? {
        Code::Reply(code) => CodeExplanation {
            code: Some(code),
            enhanced: None,
            class: class_of(code),
            class_meaning: class_meaning(code),
            replies: replies_with_code(code).collect(),
        },
        Code::Enhanced(enhanced) => {
            let code = u16::from(enhanced.class) * 100;
            CodeExplanation {
                code: None,
                enhanced: Some(enhanced),
                class: class_of(code),
                class_meaning: class_meaning(code),
                replies: (code..code + 100)
                    .flat_map(replies_with_code)
                    .filter(|info| info.enhanced == Some(enhanced))
                    .collect(),
            }
        }
    };
    view::to_js(&explanation)
}

/// Every SMTP command the server knows: syntax, purpose, typical replies,
/// example, RFC (the basic table first, then the extensions).
#[wasm_bindgen(unchecked_return_type = "CommandInfo[]")]
pub fn commands() -> Result<JsValue, Error> {
    let commands: Vec<&CommandInfo> = COMMANDS.iter().collect();
    view::to_js(&commands)
}

/// The server presets (`default`, `strict`, `locked-down`, `classic`), each
/// with a description and its full settings.
#[wasm_bindgen(unchecked_return_type = "Preset[]")]
pub fn presets() -> Result<JsValue, Error> {
    js_sys::JSON::parse(PRESETS_JSON).map_err(|_| Error::internal("presets.json is not JSON"))
}

/// `presets()`'s value, made from the engine by build.rs.
const PRESETS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/presets.json"));

enum Code {
    Reply(u16),
    Enhanced(EnhancedCode),
}

fn parse_code(value: &JsValue) -> Result<Code, Error> {
    if let Some(number) = value.as_f64() {
        if number.fract() == 0.0 && (0.0..=999.0).contains(&number) {
            return Ok(Code::Reply(number as u16));
        }
    } else if let Some(text) = value.as_string() {
        let text = text.trim();
        if text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(code) = text.parse() {
                return Ok(Code::Reply(code));
            }
        }
        if let Some(enhanced) = EnhancedCode::parse(text) {
            return Ok(Code::Enhanced(enhanced));
        }
    }
    Err(Error::field(
        "explainCode(code)",
        format!(
            "expected a reply code such as 550 or an enhanced status code such as \"5.1.1\", got {}",
            js::describe(value)
        ),
    ))
}

fn class_of(code: u16) -> Option<ReplyClass> {
    match code / 100 {
        2 => Some(ReplyClass::Success),
        3 => Some(ReplyClass::Intermediate),
        4 => Some(ReplyClass::Transient),
        5 => Some(ReplyClass::Permanent),
        _ => None,
    }
}

//! The API's one error type, and the one place it becomes a JavaScript `Error`.

use core::fmt;

use wasm_bindgen::JsValue;

/// Why a call failed: a readable message that starts with the option,
/// argument or setting at fault (`options.profile: unknown profile ...`).
///
/// Every exported function returns `Result<_, Error>`; wasm-bindgen turns an
/// `Err` into a thrown JavaScript `Error` through the `From` impl below, so
/// no other code builds JavaScript errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    /// An error about `field` (an option, argument or setting path).
    pub(crate) fn field(field: &str, message: impl fmt::Display) -> Self {
        Self {
            message: format!("{field}: {message}"),
        }
    }

    /// A value could not be turned into JavaScript: a bug here, not the caller's.
    pub(crate) fn internal(message: impl fmt::Display) -> Self {
        Self {
            message: format!("smtplab internal error: {message}"),
        }
    }

    /// The message the JavaScript `Error` carries.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        js_sys::Error::new(&error.message).into()
    }
}

//! The wasm side of the `<smtp-lab>` custom element: `web/widget/smtp-lab.js`
//! creates a shadow root and calls [`mount`] once per element, so every
//! widget on a page is its own session.

use smtplab_web::widget::{Widget, WidgetOptions};
use wasm_bindgen::prelude::*;
use yew::AppHandle;

/// The stylesheet the shadow root adopts: the app's own, so the widget and
/// the app always look alike.
const STYLE: &str = include_str!("../../../web/style.css");

/// A mounted widget; `destroy()` unmounts it.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<Widget>>,
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
    }
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
/// `panels` lists extra panels, space-separated: `diagram`, `table`,
/// `explain` (on unless `noexplain` is given).
#[wasm_bindgen]
pub fn mount(
    root: web_sys::Element,
    profile: String,
    script: String,
    autoplay: bool,
    panels: String,
    height: Option<String>,
    lesson: Option<String>,
) -> WidgetHandle {
    let panel = |name: &str| panels.split_whitespace().any(|p| p == name);
    let options = WidgetOptions {
        profile: profile.into(),
        script: WidgetOptions::parse_script(&script),
        autoplay,
        diagram: panel("diagram"),
        table: panel("table"),
        explain: !panel("noexplain"),
        height: height.filter(|h| is_css_length(h)).map(Into::into),
        lesson: lesson.map(Into::into),
    };
    let app = yew::Renderer::<Widget>::with_root_and_props(root, options).render();
    WidgetHandle { app: Some(app) }
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

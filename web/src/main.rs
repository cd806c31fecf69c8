//! Entry point of the smtplab browser app: takes down the page's loading
//! note and mounts the root component into a `<div>` of its own. Built by
//! Trunk twice (`cargo xtask build`): the sandbox from `index.html`, and the
//! full app from `app-full.html`, which the sandbox loads on first use
//! (`full_app.rs`); an address that asks for lessons starts the full app at
//! once, and the sandbox mounts only if that fails.

use smtplab_web::app::{App, AppProps};
use smtplab_web::full_app;

/// The app's allocator: talc, smaller than the default dlmalloc (see
/// `cargo xtask size`).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(loading) = document.get_element_by_id("loading") {
        loading.remove();
    }
    match full_app::bundle() {
        Some(script) if full_app::wanted_by_address() => {
            let fragment = document
                .location()
                .and_then(|l| l.hash().ok())
                .unwrap_or_default();
            full_app::switch(script, fragment, |outcome| {
                if let Err(problem) = outcome {
                    mount(Some(problem));
                }
            });
        }
        _ => mount(None),
    }
}

/// Mounts the app into a new `<div>` at the end of `<body>`. The sandbox
/// keeps the handle so that, when the full app takes over, it can leave.
fn mount(problem: Option<String>) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        let root = d.create_element("div").ok()?;
        d.body()?.append_child(&root).ok()?;
        Some(root)
    }) else {
        return;
    };
    let handle =
        yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { problem }).render();
    full_app::keep_unmount(Box::new(move || {
        handle.destroy();
        root.remove();
    }));
}

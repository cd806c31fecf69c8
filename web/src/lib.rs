//! smtplab's browser front end as a library: the full app ([`app::App`])
//! and the embeddable widget ([`widget::Widget`]) share every component.

// Component props hold Yew handles and callbacks; printing them would show
// nothing useful.
#![allow(missing_debug_implementations)]

pub mod address;
pub mod app;
pub mod clock;
pub mod components;
pub mod explainer;
pub mod full_app;
pub mod guide;
pub mod i18n;
pub mod lab;
#[cfg(feature = "lessons")]
pub mod lessons;
pub mod panels;
pub mod policies;
pub mod share;
pub mod state;
pub mod tab;
pub mod widget;
pub mod widget_host;

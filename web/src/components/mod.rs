//! One file per component of the page. Components take narrow props (the
//! values they show, callbacks for what they report); the app and the
//! panel registry (`panels.rs`) take those out of the state.

pub mod command_table;
pub mod console;
#[cfg(feature = "network")]
pub mod dns_panel;
pub mod explain;
pub mod explain_panel;
pub mod guide_panel;
#[cfg(feature = "lessons")]
pub mod lesson_list;
#[cfg(feature = "lessons")]
pub mod lesson_panel;
pub mod mailboxes;
pub mod markdown;
#[cfg(feature = "network")]
pub mod network_diagram;
pub mod settings_panel;
pub mod state_diagram;
pub mod toolbar;
pub mod wire_view;

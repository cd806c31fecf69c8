//! One file per component of the page.

pub mod command_table;
pub mod console;
pub mod explain;
pub mod explain_panel;
pub mod guide_panel;
#[cfg(feature = "lessons")]
pub mod lesson_list;
#[cfg(feature = "lessons")]
pub mod lesson_panel;
pub mod mailboxes;
pub mod settings_panel;
pub mod state_diagram;
pub mod toolbar;
pub mod wire_view;

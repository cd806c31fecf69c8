//! The side panel's tab ids: plain values the state can hold without
//! knowing what each tab shows (that is the registry in `panels.rs`).

/// A tab of the side panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The selected reply, explained.
    Explain,
    /// A pasted transcript or log, explained line by line.
    Transcript,
    /// The command table.
    Commands,
    /// Delivered messages.
    Mailboxes,
    /// The network's DNS zones, editable.
    Dns,
    /// The network's sequence diagram.
    Diagram,
    /// Server settings.
    Settings,
    /// Lessons and packs (classroom build).
    Lessons,
}

//! What a widget tells the page that hosts it (events computed by diffing
//! the lab after each update) and what the page may ask of it (send, reset,
//! load, transcript), free of any JavaScript type so it tests natively.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use smtplab_engine::Phase;
use yew::Callback;

use crate::lab::{ConsoleLine, Lab, LineKind};

/// Something that happened in the widget's session, for the host page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    /// A line the learner (or the host's `send`) submitted.
    Command {
        /// The line as typed (without the shell's `$ `).
        text: String,
        /// `shell` (at the pretend prompt), `smtp` (a command to the
        /// server) or `content` (a line of message content).
        kind: &'static str,
    },
    /// A server reply, one event per reply however many lines it has.
    Reply {
        /// The three-digit code.
        code: u16,
        /// The enhanced status code (`2.1.0`), when the server sends one.
        enhanced: Option<String>,
        /// The reply as the console shows it, lines joined with `\n`.
        text: String,
        /// The text of each line, without codes.
        lines: Vec<String>,
    },
    /// The server moved from one phase of the state diagram to another.
    StateChange {
        /// The phase left ([`phase_id`]).
        from: &'static str,
        /// The phase entered.
        to: &'static str,
    },
    /// A lesson goal became met.
    GoalComplete {
        /// The lesson id.
        lesson: String,
        /// The goal as the learner reads it.
        goal: String,
        /// Its position in the lesson's goal list, from 0.
        index: usize,
    },
    /// Every goal of the lesson is met.
    LessonComplete {
        /// The lesson id.
        lesson: String,
    },
}

impl HostEvent {
    /// The DOM event type.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Command { .. } => "command",
            Self::Reply { .. } => "reply",
            Self::StateChange { .. } => "state-change",
            Self::GoalComplete { .. } => "goal-complete",
            Self::LessonComplete { .. } => "lesson-complete",
        }
    }
}

/// A phase's name in events: the state diagram's label in kebab case.
pub fn phase_id(phase: Phase) -> &'static str {
    match phase {
        Phase::Connected => "connected",
        Phase::Greeted => "greeted",
        Phase::SenderGiven => "sender-given",
        Phase::RecipientsGiven => "recipients-given",
        Phase::ReceivingData => "receiving-data",
        Phase::Closed => "closed",
    }
}

/// How far the host has been told about a lab, so each update reports
/// only what is new: console lines and phase marks by position, goals by
/// their last status.
#[derive(Debug)]
pub struct EventCursor {
    /// The lab reported on; a different one (reset, a lesson opened)
    /// starts the report from its first line.
    lab: Weak<RefCell<Lab>>,
    next_line: usize,
    next_mark: usize,
    phase: Phase,
    #[cfg(feature = "lessons")]
    goals_met: Vec<bool>,
    #[cfg(feature = "lessons")]
    lesson_complete: bool,
}

impl Default for EventCursor {
    fn default() -> Self {
        Self {
            lab: Weak::new(),
            next_line: 0,
            next_mark: 0,
            phase: Phase::Closed,
            #[cfg(feature = "lessons")]
            goals_met: Vec::new(),
            #[cfg(feature = "lessons")]
            lesson_complete: false,
        }
    }
}

impl EventCursor {
    /// What happened in `lab` since the last call, in console order.
    /// `lesson` names the lesson in goal events.
    pub fn catch_up(&mut self, lab: &Rc<RefCell<Lab>>, lesson: Option<&str>) -> Vec<HostEvent> {
        let mut events = Vec::new();
        if !Weak::ptr_eq(&self.lab, &Rc::downgrade(lab)) {
            *self = Self {
                lab: Rc::downgrade(lab),
                phase: self.phase,
                ..Self::default()
            };
            // The old session's connection is gone with it.
            self.enter(Phase::Closed, &mut events);
        }
        let lab = lab.borrow();
        self.lines_and_phases(&lab, &mut events);
        if let Some(lesson) = lesson {
            self.goals(&lab, lesson, &mut events);
        }
        events
    }

    fn lines_and_phases(&mut self, lab: &Lab, events: &mut Vec<HostEvent>) {
        let start = lab.lines.partition_point(|l| l.id < self.next_line);
        let mut marks = lab.phase_marks.iter().skip(self.next_mark).peekable();
        for line in &lab.lines[start..] {
            while let Some(mark) = marks.next_if(|m| m.before_line <= line.id) {
                self.enter(mark.phase, events);
            }
            events.extend(line_event(line));
            self.next_line = line.id + 1;
        }
        for mark in marks {
            self.enter(mark.phase, events);
        }
        self.next_mark = lab.phase_marks.len();
    }

    fn enter(&mut self, phase: Phase, events: &mut Vec<HostEvent>) {
        if phase != self.phase {
            events.push(HostEvent::StateChange {
                from: phase_id(self.phase),
                to: phase_id(phase),
            });
            self.phase = phase;
        }
    }

    #[cfg(feature = "lessons")]
    fn goals(&mut self, lab: &Lab, lesson: &str, events: &mut Vec<HostEvent>) {
        let Some(session) = lab.lesson() else {
            return;
        };
        let checker = session.checker();
        let statuses = checker.statuses();
        self.goals_met.resize(statuses.len(), false);
        let goals = checker.goals().iter().zip(statuses);
        for (index, (goal, status)) in goals.enumerate() {
            // A limit is "met" until broken, so it never completes.
            let met = status.is_met() && !goal.condition.is_limit();
            if met && !self.goals_met[index] {
                events.push(HostEvent::GoalComplete {
                    lesson: lesson.to_owned(),
                    goal: goal.description.clone(),
                    index,
                });
            }
            self.goals_met[index] = met;
        }
        let complete = checker.is_complete();
        if complete && !self.lesson_complete {
            events.push(HostEvent::LessonComplete {
                lesson: lesson.to_owned(),
            });
        }
        self.lesson_complete = complete;
    }

    #[cfg(not(feature = "lessons"))]
    fn goals(&mut self, _lab: &Lab, _lesson: &str, _events: &mut Vec<HostEvent>) {}
}

/// The event a console line makes, if any (shell output makes none).
fn line_event(line: &ConsoleLine) -> Option<HostEvent> {
    let command = |text: &str, kind| {
        Some(HostEvent::Command {
            text: text.to_owned(),
            kind,
        })
    };
    match line.kind {
        LineKind::ShellInput => {
            command(line.text.strip_prefix("$ ").unwrap_or(&line.text), "shell")
        }
        LineKind::ClientInput => command(&line.text, "smtp"),
        LineKind::ContentInput => command(&line.text, "content"),
        LineKind::ShellOutput => None,
        LineKind::Reply => line.reply.as_ref().map(|reply| HostEvent::Reply {
            code: reply.code,
            enhanced: reply.enhanced.map(|e| e.to_string()),
            text: line.text.clone(),
            lines: reply.lines.clone(),
        }),
    }
}

/// What the host page asks a mounted widget to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostCall {
    /// Submit this text, as if typed and entered (several lines go as one
    /// pipelined chunk, as a paste does).
    Send(String),
    /// A fresh session with the same profile (or the same lesson).
    Reset,
    /// Reset, then type this script in, as the `script` attribute does.
    Load(String),
}

/// Called once the widget has applied a host call (`true`), or when it
/// was unmounted before it could (`false`).
type Waiter = Box<dyn FnOnce(bool)>;

/// The line between a widget and its host page, shared by the component
/// (which applies calls and reports updates) and the host's handle.
pub struct HostLink {
    sink: Box<dyn Fn(&HostEvent)>,
    calls: RefCell<Option<Callback<HostCall>>>,
    queued: RefCell<Vec<HostCall>>,
    cursor: RefCell<EventCursor>,
    lab: RefCell<Weak<RefCell<Lab>>>,
    /// Counts host calls (the mount is the first); `applied` is the count
    /// the last update had seen, so a waiter knows when its call is done.
    requested: Cell<u64>,
    applied: Cell<u64>,
    waiters: RefCell<Vec<(u64, Waiter)>>,
    detached: Cell<bool>,
}

impl core::fmt::Debug for HostLink {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HostLink")
            .field("requested", &self.requested.get())
            .field("applied", &self.applied.get())
            .finish_non_exhaustive()
    }
}

impl HostLink {
    /// A link whose events go to `sink`.
    pub fn new(sink: impl Fn(&HostEvent) + 'static) -> Self {
        Self {
            sink: Box::new(sink),
            calls: RefCell::default(),
            queued: RefCell::default(),
            cursor: RefCell::default(),
            lab: RefCell::default(),
            requested: Cell::new(1),
            applied: Cell::new(0),
            waiters: RefCell::default(),
            detached: Cell::new(false),
        }
    }

    /// The component takes calls from here on (and those made before).
    pub fn accept_calls(&self, calls: Callback<HostCall>) {
        let queued = std::mem::take(&mut *self.queued.borrow_mut());
        for call in queued {
            calls.emit(call);
        }
        *self.calls.borrow_mut() = Some(calls);
    }

    /// Whether the component takes calls (or never will again).
    pub fn takes_calls(&self) -> bool {
        self.detached.get() || self.calls.borrow().is_some()
    }

    /// Passes a call to the component; [`Self::when_applied`] tells when
    /// it is done.
    pub fn call(&self, call: HostCall) {
        if self.detached.get() {
            return;
        }
        self.requested.set(self.requested.get() + 1);
        let calls = self.calls.borrow().clone();
        match calls {
            Some(calls) => calls.emit(call),
            None => self.queued.borrow_mut().push(call),
        }
    }

    /// Runs `done` once every call made so far has been applied.
    pub fn when_applied(&self, done: impl FnOnce(bool) + 'static) {
        let ticket = self.requested.get();
        if self.detached.get() {
            done(false);
        } else if self.applied.get() >= ticket {
            done(true);
        } else {
            self.waiters.borrow_mut().push((ticket, Box::new(done)));
        }
    }

    /// After the component rendered a new state: tells the host what is
    /// new, then wakes the callers whose calls this state includes.
    pub fn updated(&self, lab: &Rc<RefCell<Lab>>, lesson: Option<&str>) {
        let seen = self.requested.get();
        *self.lab.borrow_mut() = Rc::downgrade(lab);
        let events = self.cursor.borrow_mut().catch_up(lab, lesson);
        // No borrow is held while the host runs: its listeners may call back.
        for event in &events {
            (self.sink)(event);
        }
        self.applied.set(self.applied.get().max(seen));
        // Tickets only grow, so the waiters are in ticket order.
        let ready = {
            let mut waiters = self.waiters.borrow_mut();
            let done = waiters.partition_point(|(ticket, _)| *ticket <= seen);
            let waiting = waiters.split_off(done);
            std::mem::replace(&mut *waiters, waiting)
        };
        for (_, waiter) in ready {
            waiter(true);
        }
    }

    /// The session as plain text, as the app's Copy transcript gives it.
    pub fn transcript(&self) -> String {
        self.lab
            .borrow()
            .upgrade()
            .map(|lab| lab.borrow().export_text())
            .unwrap_or_default()
    }

    /// The widget is gone: calls still waiting will never be applied.
    pub fn detach(&self) {
        self.detached.set(true);
        self.calls.borrow_mut().take();
        let waiters = std::mem::take(&mut *self.waiters.borrow_mut());
        for (_, waiter) in waiters {
            waiter(false);
        }
    }
}

/// A [`HostLink`] as a widget prop: the same link is the same prop.
#[derive(Debug, Clone)]
pub struct SharedHostLink(pub Rc<HostLink>);

impl PartialEq for SharedHostLink {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smtplab_engine::Settings;

    fn lab() -> Rc<RefCell<Lab>> {
        Rc::new(RefCell::new(Lab::new("default", Settings::default())))
    }

    fn submit(lab: &Rc<RefCell<Lab>>, text: &str) {
        lab.borrow_mut().submit(text, 1_700_000_000);
    }

    fn names(events: &[HostEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                HostEvent::Command { text, .. } => format!("command {text}"),
                HostEvent::Reply { code, .. } => format!("reply {code}"),
                HostEvent::StateChange { from, to } => format!("{from}->{to}"),
                other => other.name().to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_session_reports_commands_replies_and_phases_in_order() {
        let (lab, mut cursor) = (lab(), EventCursor::default());
        submit(&lab, "telnet localhost smtp");
        submit(&lab, "EHLO client.example");
        submit(&lab, "MAIL FROM:<alice@example.com>");
        assert_eq!(
            names(&cursor.catch_up(&lab, None)),
            [
                "command telnet localhost smtp",
                "closed->connected",
                "reply 220",
                "command EHLO client.example",
                "reply 250",
                "connected->greeted",
                "command MAIL FROM:<alice@example.com>",
                "reply 250",
                "greeted->sender-given",
            ]
        );
        assert_eq!(cursor.catch_up(&lab, None), [], "nothing is told twice");
        submit(&lab, "QUIT");
        assert_eq!(
            names(&cursor.catch_up(&lab, None)),
            ["command QUIT", "reply 221", "sender-given->closed"]
        );
    }

    #[test]
    fn replies_carry_code_enhanced_code_and_lines() {
        let (lab, mut cursor) = (lab(), EventCursor::default());
        submit(&lab, "telnet localhost smtp");
        cursor.catch_up(&lab, None);
        submit(&lab, "EHLO client.example\nMAIL FROM:<alice@example.com>");
        let events = cursor.catch_up(&lab, None);
        let replies: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                HostEvent::Reply {
                    code,
                    enhanced,
                    text,
                    lines,
                } => Some((code, enhanced, text, lines)),
                _ => None,
            })
            .collect();
        assert_eq!(replies.len(), 2, "{events:?}");
        let (code, enhanced, text, lines) = replies[0];
        assert_eq!(*code, 250);
        assert_eq!(*enhanced, None, "EHLO's reply has no enhanced code");
        assert!(lines.len() > 1 && text.starts_with("250-"), "{text}");
        assert_eq!(replies[1].1.as_deref(), Some("2.1.0"));
        assert_eq!(
            names(&events[..2]),
            [
                "command EHLO client.example",
                "command MAIL FROM:<alice@example.com>"
            ],
            "a paste echoes both lines before the answers"
        );
    }

    #[test]
    fn message_content_and_shell_output_are_told_apart() {
        let (lab, mut cursor) = (lab(), EventCursor::default());
        submit(&lab, "help");
        submit(&lab, "telnet localhost smtp");
        submit(
            &lab,
            "HELO x\nMAIL FROM:<a@example.com>\nRCPT TO:<bob@example.com>\nDATA",
        );
        submit(&lab, "Subject: hi\n\nHello\n.");
        let kinds: Vec<(&str, String)> = cursor
            .catch_up(&lab, None)
            .into_iter()
            .filter_map(|e| match e {
                HostEvent::Command { text, kind } => Some((kind, text)),
                _ => None,
            })
            .collect();
        assert_eq!(
            kinds[0],
            ("shell", "help".to_owned()),
            "no help text, only the command"
        );
        assert_eq!(kinds[1], ("shell", "telnet localhost smtp".to_owned()));
        assert_eq!(kinds[5], ("smtp", "DATA".to_owned()));
        assert_eq!(
            kinds[6..].iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            ["content"; 4]
        );
    }

    #[test]
    fn a_cleared_console_and_a_new_lab_are_followed() {
        let (first, mut cursor) = (lab(), EventCursor::default());
        submit(&first, "telnet localhost smtp");
        submit(&first, "HELO x");
        cursor.catch_up(&first, None);
        submit(&first, "QUIT");
        submit(&first, "clear");
        submit(&first, "help");
        assert_eq!(
            names(&cursor.catch_up(&first, None)),
            ["greeted->closed", "command help"],
            "lines cleared before they were told are lost (not the phase change), later ones are told"
        );
        submit(&first, "telnet localhost smtp");
        cursor.catch_up(&first, None);
        let second = lab();
        submit(&second, "help");
        assert_eq!(
            names(&cursor.catch_up(&second, None)),
            ["connected->closed", "command help"],
            "a reset closes the old connection and reports the new lab from its start"
        );
    }

    #[test]
    fn the_link_wakes_callers_once_their_call_is_applied() {
        let told = Rc::new(RefCell::new(Vec::new()));
        let link = {
            let told = told.clone();
            HostLink::new(move |e| told.borrow_mut().push(e.name()))
        };
        let woken = Rc::new(RefCell::new(Vec::new()));
        let wake = |name: &'static str| {
            let woken = woken.clone();
            move |applied| woken.borrow_mut().push((name, applied))
        };
        link.when_applied(wake("ready"));
        let calls = Rc::new(RefCell::new(Vec::new()));
        link.call(HostCall::Send("help".into()));
        link.when_applied(wake("send"));
        {
            let calls = calls.clone();
            link.accept_calls(Callback::from(move |c| calls.borrow_mut().push(c)));
        }
        assert_eq!(
            *calls.borrow(),
            [HostCall::Send("help".into())],
            "queued calls are passed on"
        );
        assert!(
            woken.borrow().is_empty(),
            "nothing is applied before an update"
        );
        let lab = lab();
        submit(&lab, "help");
        link.updated(&lab, None);
        assert_eq!(*woken.borrow(), [("ready", true), ("send", true)]);
        assert_eq!(*told.borrow(), ["command"]);
        assert_eq!(link.transcript(), lab.borrow().export_text());
        link.call(HostCall::Reset);
        link.when_applied(wake("reset"));
        link.detach();
        assert_eq!(woken.borrow().last(), Some(&("reset", false)));
        link.when_applied(wake("late"));
        assert_eq!(
            woken.borrow().last(),
            Some(&("late", false)),
            "a call after the widget left is refused at once"
        );
    }

    #[cfg(feature = "lessons")]
    #[test]
    fn a_lesson_reports_each_goal_once_and_then_the_lesson() {
        let lesson = smtplab_lessons::builtin().lesson("helo-vs-ehlo").unwrap();
        let lab = Rc::new(RefCell::new(Lab::for_lesson(lesson)));
        let mut cursor = EventCursor::default();
        let goals = |events: Vec<HostEvent>| -> Vec<HostEvent> {
            events
                .into_iter()
                .filter(|e| {
                    matches!(
                        e,
                        HostEvent::GoalComplete { .. } | HostEvent::LessonComplete { .. }
                    )
                })
                .collect()
        };
        submit(&lab, "telnet localhost smtp");
        assert_eq!(goals(cursor.catch_up(&lab, Some("helo-vs-ehlo"))), []);
        submit(&lab, "HELO client.example");
        assert_eq!(
            goals(cursor.catch_up(&lab, Some("helo-vs-ehlo"))),
            [HostEvent::GoalComplete {
                lesson: "helo-vs-ehlo".into(),
                goal: lesson.goals()[0].description.clone(),
                index: 0
            }]
        );
        submit(&lab, "HELO client.example");
        assert_eq!(
            goals(cursor.catch_up(&lab, Some("helo-vs-ehlo"))),
            [],
            "a met goal is told once"
        );
        submit(&lab, "EHLO client.example");
        assert_eq!(goals(cursor.catch_up(&lab, Some("helo-vs-ehlo"))).len(), 1);
        submit(
            &lab,
            "MAIL FROM:<carol@example.com> BODY=8BITMIME\nRCPT TO:<alice@example.com>\nDATA",
        );
        submit(&lab, "Subject: hi\n\nHello\n.");
        let events = goals(cursor.catch_up(&lab, Some("helo-vs-ehlo")));
        assert_eq!(
            events.iter().map(HostEvent::name).collect::<Vec<_>>(),
            ["goal-complete", "lesson-complete"]
        );
    }
}

//! The checker: fed the same engine outputs the console shows, one
//! submission at a time, it keeps track of which goals are met so far.
//!
//! ```text
//!   lab/console ── outputs of one submission ──► Checker::observe_submission
//!                                                  │  (returns goals newly met)
//!                                                  ▼
//!                                     Checker::statuses / is_complete
//! ```

use smtplab_engine::address::parse_mailbox;
use smtplab_engine::network::simulation::{NetworkEvent, Simulation};
use smtplab_engine::network::trace::received_chain;
use smtplab_engine::session::CloseReason;
use smtplab_engine::world::Destination;
use smtplab_engine::{Delivery, Event, Output, Reply, ReplyKey, Verb, World};

use crate::error::AddressError;
use crate::goal::{Condition, DeliveredCheck, Goal, MailFiledCheck};

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalStatus {
    /// Met (for a limit: not broken so far).
    Met,
    /// Not met yet.
    Pending,
    /// A limit that was broken; it cannot be met again in this attempt.
    Failed,
}

impl GoalStatus {
    /// Whether the goal counts as met.
    pub fn is_met(self) -> bool {
        self == Self::Met
    }
}

/// Who an address in a goal stands for, looked up in the lesson's world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Local mailboxes (user names): a user, or every target of an alias or
    /// member of a list.
    Local(Vec<String>),
    /// An outside address, relayed.
    Remote(String),
}

/// Looks up a goal address (`bob`, `bob@example.com`, `team`,
/// `friend@example.org`); the error says what is wrong with it.
pub(crate) fn resolve_target(world: &World, text: &str) -> Result<Target, AddressError> {
    let trimmed = text.trim();
    let bare = trimmed
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(trimmed);
    let mut mailbox =
        parse_mailbox(bare).map_err(|_| AddressError::NotAnAddress(text.to_owned()))?;
    if mailbox.domain.is_empty() {
        mailbox.domain = world.primary_domain().to_owned();
    }
    match world.destination(&mailbox) {
        Destination::Local(users) => Ok(Target::Local(users)),
        Destination::Remote => Ok(Target::Remote(mailbox.to_string())),
        Destination::UnknownLocal => Err(AddressError::UnknownMailbox {
            text: text.to_owned(),
            local: mailbox.local,
        }),
    }
}

impl Target {
    fn received(&self, delivery: &Delivery) -> bool {
        match self {
            Target::Local(users) => users.iter().all(|user| {
                delivery
                    .mailboxes
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(user))
            }),
            Target::Remote(address) => delivery
                .relayed_to
                .iter()
                .any(|r| r.eq_ignore_ascii_case(address)),
        }
    }

    fn received_any(&self, delivery: &Delivery) -> bool {
        match self {
            Target::Local(users) => users.iter().any(|user| {
                delivery
                    .mailboxes
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(user))
            }),
            Target::Remote(_) => self.received(delivery),
        }
    }
}

/// A condition with its addresses looked up.
#[derive(Debug, Clone)]
enum Check {
    Delivered {
        check: Box<DeliveredCheck>,
        to: Vec<Target>,
        not_to: Vec<Target>,
    },
    ReplySeen {
        code: u16,
        after_verb: Option<Verb>,
    },
    CommandAnswered {
        verb: Verb,
        argument_contains: Option<String>,
        code: Option<u16>,
    },
    Sequence(Vec<Check>),
    TransactionReset(Option<Verb>),
    Authenticated(Option<String>),
    TlsStarted,
    QuitCleanly,
    MaxCommands(u32),
    Pipelined(u32),
    Connected {
        host: String,
        port: Option<u16>,
    },
    MailFiled(Box<MailFiledCheck>),
    DsnReceived {
        host: String,
        mailbox: String,
        action: Option<String>,
        /// Lower case.
        text_contains: Option<String>,
    },
}

impl Check {
    /// Looks up the condition's addresses; validation has made sure they
    /// resolve, so one that does not simply never matches.
    fn new(condition: &Condition, world: &World) -> Self {
        let targets = |list: &[String]| -> Vec<Target> {
            list.iter()
                .map(|text| {
                    resolve_target(world, text).unwrap_or(Target::Remote(String::from("\0")))
                })
                .collect()
        };
        match condition {
            Condition::Delivered(check) => Check::Delivered {
                to: targets(&check.to),
                not_to: targets(&check.not_to),
                check: Box::new(check.clone()),
            },
            Condition::ReplySeen { code, after_verb } => Check::ReplySeen {
                code: *code,
                after_verb: *after_verb,
            },
            Condition::CommandAnswered {
                verb,
                argument_contains,
                code,
            } => Check::CommandAnswered {
                verb: *verb,
                argument_contains: argument_contains.as_ref().map(|a| a.to_lowercase()),
                code: *code,
            },
            Condition::Sequence { steps } => {
                Check::Sequence(steps.iter().map(|s| Check::new(s, world)).collect())
            }
            Condition::TransactionReset { by } => Check::TransactionReset(*by),
            Condition::Authenticated { user } => Check::Authenticated(user.clone()),
            Condition::TlsStarted {} => Check::TlsStarted,
            Condition::QuitCleanly {} => Check::QuitCleanly,
            Condition::MaxCommands { max } => Check::MaxCommands(*max),
            Condition::Pipelined { min_commands } => Check::Pipelined(*min_commands),
            Condition::Connected { host, port } => Check::Connected {
                host: host.clone(),
                port: *port,
            },
            Condition::MailFiled(check) => Check::MailFiled(Box::new(check.clone())),
            Condition::DsnReceived {
                host,
                mailbox,
                action,
                text_contains,
            } => Check::DsnReceived {
                host: host.clone(),
                mailbox: mailbox.clone(),
                action: action.clone(),
                text_contains: text_contains.as_ref().map(|t| t.to_lowercase()),
            },
        }
    }

    /// Whether this one observation meets an achievement.
    fn matches(&self, seen: &Observation<'_>, context: &Context) -> bool {
        match (self, seen) {
            (Check::Delivered { check, to, not_to }, Observation::Delivered(delivery)) => {
                delivery_matches(check, to, not_to, delivery)
            }
            (Check::ReplySeen { code, after_verb }, Observation::Reply(reply)) => {
                reply.code == *code
                    && after_verb.is_none_or(|verb| {
                        context.command.as_ref().and_then(|c| c.verb) == Some(verb)
                    })
            }
            (
                Check::CommandAnswered {
                    verb,
                    argument_contains,
                    code,
                },
                Observation::Reply(reply),
            ) => context.command.as_ref().is_some_and(|command| {
                command.verb == Some(*verb)
                    && argument_contains
                        .as_ref()
                        .is_none_or(|text| command.argument.contains(text.as_str()))
                    && code.is_none_or(|code| reply.code == code)
            }),
            (Check::TransactionReset(by), Observation::TransactionReset(verb)) => {
                by.is_none_or(|by| by == *verb)
            }
            (Check::Authenticated(user), Observation::Authenticated(name)) => user
                .as_ref()
                .is_none_or(|user| user.eq_ignore_ascii_case(name)),
            (Check::TlsStarted, Observation::TlsStarted) => true,
            (Check::QuitCleanly, Observation::Closed(CloseReason::Quit)) => true,
            (Check::Pipelined(min), Observation::SubmissionEnd) => {
                context.commands_in_submission >= *min
            }
            (check, Observation::Network(simulation)) => check.matches_network(simulation),
            _ => false,
        }
    }
}

impl Check {
    /// Whether the network now holds what a network goal asks for.
    fn matches_network(&self, simulation: &Simulation) -> bool {
        match self {
            Check::Connected { host, port } => simulation.log().iter().any(|entry| {
                matches!(&entry.event, NetworkEvent::Connected { host: h, port: p, .. }
                    if h.eq_ignore_ascii_case(host) && port.is_none_or(|port| port == *p))
            }),
            Check::MailFiled(check) => {
                let filed = match &check.folder {
                    Some(folder) => simulation.folder(&check.host, &check.mailbox, folder),
                    None => simulation.mailbox(&check.host, &check.mailbox),
                };
                filed.iter().any(|delivery| filed_matches(check, delivery))
            }
            Check::DsnReceived {
                host,
                mailbox,
                action,
                text_contains,
            } => simulation.mailbox(host, mailbox).iter().any(|delivery| {
                let text = delivery.message.to_lowercase();
                let action_ok = action
                    .as_ref()
                    .is_none_or(|a| text.contains(&format!("action: {}", a.to_lowercase())));
                delivery.envelope.mail_from.is_empty()
                    && text.contains("report-type=delivery-status")
                    && action_ok
                    && text_contains
                        .as_ref()
                        .is_none_or(|t| text.contains(t.as_str()))
            }),
            _ => false,
        }
    }
}

/// A filed message against `mail_filed`: its subject, and every `via`
/// host as a `by` of its Received chain.
fn filed_matches(check: &MailFiledCheck, delivery: &Delivery) -> bool {
    let chain = received_chain(&delivery.raw);
    let passed = |host: &String| {
        chain.iter().any(|hop| {
            hop.by
                .as_ref()
                .is_some_and(|by| by.eq_ignore_ascii_case(host))
        })
    };
    check.via.iter().all(passed)
        && contains_ignoring_case(
            delivery.header("Subject").as_deref(),
            check.subject_contains.as_ref(),
        )
        && contains_ignoring_case(
            delivery.header("Authentication-Results").as_deref(),
            check.auth_results_contains.as_ref(),
        )
}

fn contains_ignoring_case(haystack: Option<&str>, needle: Option<&String>) -> bool {
    match needle {
        None => true,
        Some(needle) => haystack.is_some_and(|h| h.to_lowercase().contains(&needle.to_lowercase())),
    }
}

fn delivery_matches(
    check: &DeliveredCheck,
    to: &[Target],
    not_to: &[Target],
    delivery: &Delivery,
) -> bool {
    let envelope_ok = check.envelope_from.as_ref().is_none_or(|from| {
        let from = from.trim();
        let from = from
            .strip_prefix('<')
            .and_then(|f| f.strip_suffix('>'))
            .unwrap_or(from);
        delivery.envelope.mail_from.eq_ignore_ascii_case(from)
    });
    let parameter_ok = check.mail_parameter.as_ref().is_none_or(|wanted| {
        delivery.envelope.mail_parameters.iter().any(|given| {
            given.eq_ignore_ascii_case(wanted)
                || given
                    .split('=')
                    .next()
                    .is_some_and(|keyword| keyword.eq_ignore_ascii_case(wanted))
        })
    });
    let body = delivery.body();
    let body_ok = check.body_contains.as_ref().is_none_or(|text| {
        body.to_lowercase()
            .split("\r\n")
            .any(|line| line.contains(&text.to_lowercase()))
    });
    let line_ok = check
        .body_has_line
        .as_ref()
        .is_none_or(|wanted| body.split("\r\n").any(|line| line == wanted));
    to.iter().all(|t| t.received(delivery))
        && !not_to.iter().any(|t| t.received_any(delivery))
        && envelope_ok
        && parameter_ok
        && body_ok
        && line_ok
        && contains_ignoring_case(
            delivery.header("Subject").as_deref(),
            check.subject_contains.as_ref(),
        )
        && contains_ignoring_case(
            delivery.header("From").as_deref(),
            check.from_header_contains.as_ref(),
        )
        && contains_ignoring_case(
            delivery.header("To").as_deref(),
            check.to_header_contains.as_ref(),
        )
}

/// One thing that happened, as the checker sees it.
#[derive(Debug)]
enum Observation<'a> {
    Command,
    Reply(&'a Reply),
    Delivered(&'a Delivery),
    TransactionReset(Verb),
    Authenticated(&'a str),
    TlsStarted,
    Closed(CloseReason),
    SubmissionEnd,
    /// The network after a step (network goals read its mailboxes and log).
    Network(&'a Simulation),
}

/// The command replies are answering.
#[derive(Debug, Clone)]
struct CurrentCommand {
    verb: Option<Verb>,
    /// The argument, lower case.
    argument: String,
}

#[derive(Debug, Clone, Default)]
struct Context {
    command: Option<CurrentCommand>,
    commands_in_submission: u32,
}

/// The state of one condition being watched.
#[derive(Debug, Clone)]
enum Matcher {
    Achievement {
        check: Check,
        met: bool,
    },
    Limit {
        max: u32,
        used: u32,
    },
    Sequence {
        /// Steps still to meet after `current`, in order.
        rest: Vec<Check>,
        current: Box<Matcher>,
    },
}

impl Matcher {
    fn new(check: Check) -> Self {
        match check {
            Check::MaxCommands(max) => Matcher::Limit { max, used: 0 },
            Check::Sequence(mut steps) if !steps.is_empty() => {
                let first = steps.remove(0);
                Matcher::Sequence {
                    rest: steps,
                    current: Box::new(Matcher::new(first)),
                }
            }
            check => Matcher::Achievement { check, met: false },
        }
    }

    fn status(&self) -> GoalStatus {
        match self {
            Matcher::Achievement { met: true, .. } => GoalStatus::Met,
            Matcher::Achievement { met: false, .. } => GoalStatus::Pending,
            Matcher::Limit { max, used } if used > max => GoalStatus::Failed,
            Matcher::Limit { .. } => GoalStatus::Met,
            Matcher::Sequence { rest, current } if rest.is_empty() => current.status(),
            Matcher::Sequence { .. } => GoalStatus::Pending,
        }
    }

    fn observe(&mut self, seen: &Observation<'_>, context: &Context) {
        match self {
            Matcher::Achievement { check, met } => {
                if !*met && check.matches(seen, context) {
                    *met = true;
                }
            }
            Matcher::Limit { used, .. } => {
                if matches!(seen, Observation::Command) {
                    *used = used.saturating_add(1);
                }
            }
            Matcher::Sequence { rest, current } => {
                // A step met by this observation hands over to the next,
                // which only sees what comes after.
                let was_met = current.status().is_met();
                current.observe(seen, context);
                if !was_met && current.status().is_met() && !rest.is_empty() {
                    let next = rest.remove(0);
                    **current = Matcher::new(next);
                }
            }
        }
    }
}

/// Watches a session for one lesson's goals.
///
/// Feed it every [`Output`] the engine gives, grouped by submission (one
/// line entered, or several pasted together), with
/// [`Checker::observe_submission`]; or output by output with
/// [`Checker::observe`] and [`Checker::end_submission`] after each
/// submission. Goals are then read with [`Checker::statuses`].
#[derive(Debug, Clone)]
pub struct Checker {
    goals: Vec<Goal>,
    matchers: Vec<Matcher>,
    context: Context,
    commands_used: u32,
    solution_shown: bool,
}

impl Checker {
    /// A checker for `goals`, with addresses looked up in `world` (the
    /// lesson's; see [`crate::Lesson::checker`]).
    pub fn new(goals: &[Goal], world: &World) -> Self {
        Self {
            goals: goals.to_vec(),
            matchers: goals
                .iter()
                .map(|goal| Matcher::new(Check::new(&goal.condition, world)))
                .collect(),
            context: Context::default(),
            commands_used: 0,
            solution_shown: false,
        }
    }

    /// The goals, in the lesson's order.
    pub fn goals(&self) -> &[Goal] {
        &self.goals
    }

    /// Where each goal stands, in the lesson's order.
    pub fn statuses(&self) -> Vec<GoalStatus> {
        self.matchers.iter().map(Matcher::status).collect()
    }

    /// Whether every goal is met (even with the solution shown).
    pub fn is_complete(&self) -> bool {
        self.matchers.iter().all(|m| m.status().is_met())
    }

    /// Records that the reference solution was shown: from then on the
    /// attempt cannot pass, though goals are still ticked.
    pub fn mark_solution_shown(&mut self) {
        self.solution_shown = true;
    }

    /// Whether the reference solution was shown.
    pub fn solution_shown(&self) -> bool {
        self.solution_shown
    }

    /// Whether the attempt counts as a pass: every goal met by the learner,
    /// without the reference solution shown.
    pub fn passed(&self) -> bool {
        self.is_complete() && !self.solution_shown
    }

    /// Commands sent so far, over all connections.
    pub fn commands_used(&self) -> u32 {
        self.commands_used
    }

    /// Takes in the outputs of one submission (including the greeting after
    /// connecting) and returns the indexes of goals met by them.
    pub fn observe_submission<'a>(
        &mut self,
        outputs: impl IntoIterator<Item = &'a Output>,
    ) -> Vec<usize> {
        let before = self.statuses();
        for output in outputs {
            self.observe(output);
        }
        self.end_submission();
        self.statuses()
            .into_iter()
            .zip(before)
            .enumerate()
            .filter(|(_, (now, before))| now.is_met() && !before.is_met())
            .map(|(index, _)| index)
            .collect()
    }

    /// Takes in one output.
    pub fn observe(&mut self, output: &Output) {
        let seen = match output {
            Output::Reply(reply) => {
                if reply.key == ReplyKey::Greeting {
                    // A new connection: nothing is being answered.
                    self.context.command = None;
                }
                Observation::Reply(reply)
            }
            Output::Event(Event::Command { verb, line }) => {
                let argument = line
                    .split_once(' ')
                    .map_or("", |(_, argument)| argument)
                    .to_lowercase();
                self.context.command = Some(CurrentCommand {
                    verb: *verb,
                    argument,
                });
                self.context.commands_in_submission += 1;
                self.commands_used = self.commands_used.saturating_add(1);
                Observation::Command
            }
            Output::Event(Event::Delivered(delivery)) => Observation::Delivered(delivery),
            Output::Event(Event::TransactionReset { by }) => Observation::TransactionReset(*by),
            Output::Event(Event::Authenticated { user }) => Observation::Authenticated(user),
            Output::Event(Event::TlsStarted) => Observation::TlsStarted,
            Output::Event(Event::Closed { reason }) => Observation::Closed(*reason),
            Output::Event(Event::StateChanged { .. }) | Output::StartTls | Output::Close => return,
        };
        self.dispatch(&seen);
    }

    /// Takes in the network as it stands after a step (a connection, a
    /// submission, a wait); returns the indexes of goals met by it.
    pub fn observe_network(&mut self, simulation: &Simulation) -> Vec<usize> {
        let before = self.statuses();
        self.dispatch(&Observation::Network(simulation));
        self.statuses()
            .into_iter()
            .zip(before)
            .enumerate()
            .filter(|(_, (now, before))| now.is_met() && !before.is_met())
            .map(|(index, _)| index)
            .collect()
    }

    /// Marks the end of a submission (for `pipelined`).
    pub fn end_submission(&mut self) {
        self.dispatch(&Observation::SubmissionEnd);
        self.context.commands_in_submission = 0;
    }

    fn dispatch(&mut self, seen: &Observation<'_>) {
        for matcher in &mut self.matchers {
            matcher.observe(seen, &self.context);
        }
    }
}

//! One lesson of a pack: its format (server, goals, hints, reference
//! solution) and the checks of every field, which name the field and the
//! [`Reason`]. Running the solution is left to the pack loader
//! ([`crate::pack`]), which runs lessons.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use smtplab_engine::network::{Network, ZoneEdit};
use smtplab_engine::patch::{self, Patch, PatchError};
use smtplab_engine::profile::{RejectRule, PRESETS};
use smtplab_engine::world::{Alias, MailingList, User};
use smtplab_engine::{EnhancedCode, Settings, Verb, World};

use crate::attempt::{Endpoint, Script, Step};
use crate::checker::{resolve_target, Checker, Target};
use crate::error::Reason;
use crate::goal::{Condition, DeliveredCheck, Goal};

/// Longest pack or lesson id; ids appear in URLs and file names.
pub const MAX_ID_LENGTH: usize = 64;

/// The reply a command listed in `disabled_commands` gets.
pub const DISABLED_COMMAND_TEXT: &str = "Error: command disabled for this lesson";

/// The server a lesson runs against: a preset plus changes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// A preset name: `default`, `strict`, `locked-down` or `classic`.
    #[serde(default = "default_preset")]
    pub preset: String,
    /// Profile settings to change, by their names in the profile
    /// (`{"vrfy": "disabled", "faults": {"greylist": true}}`); objects are
    /// merged, anything else replaces the preset's value.
    #[serde(default)]
    pub profile: Patch,
    /// World settings to change, merged the same way (a list given here
    /// replaces the default world's list).
    #[serde(default)]
    pub world: Patch,
    /// Users added to the world.
    #[serde(default)]
    pub add_users: Vec<User>,
    /// Aliases added to the world.
    #[serde(default)]
    pub add_aliases: Vec<Alias>,
    /// Mailing lists added to the world.
    #[serde(default)]
    pub add_lists: Vec<MailingList>,
    /// The mail network the learner can reach beyond localhost:
    /// `"default"` (the built-in one), or a whole description in the
    /// settings file's `network` format. Absent: localhost only.
    #[serde(default)]
    pub network: Option<Patch>,
    /// Network hosts switched off when the lesson starts.
    #[serde(default)]
    pub outages: Vec<Outage>,
    /// Changes to the network's DNS before the lesson starts, each
    /// `add LINE` or `delete LINE` (a zone-file line), in order.
    #[serde(default)]
    pub dns: Vec<String>,
    /// Whether the network's hosts check mail as real ones do: the
    /// submission server DKIM-signs, final delivery runs SPF, DKIM and
    /// DMARC (adds Authentication-Results, files quarantined mail in Junk,
    /// refuses a DMARC reject at the end of DATA).
    #[serde(default)]
    pub mail_auth: bool,
}

/// A network host that does not answer for a while.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    /// The host's name.
    pub host: String,
    /// Seconds of lesson time until it answers again; absent: never.
    #[serde(default)]
    pub seconds: Option<u64>,
}

fn default_preset() -> String {
    "default".into()
}

impl Default for ServerSpec {
    fn default() -> Self {
        Self {
            preset: default_preset(),
            profile: Patch::default(),
            world: Patch::default(),
            add_users: Vec::new(),
            add_aliases: Vec::new(),
            add_lists: Vec::new(),
            network: None,
            outages: Vec::new(),
            dns: Vec::new(),
            mail_auth: false,
        }
    }
}

/// One lesson of a pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    id: String,
    title: String,
    #[serde(deserialize_with = "text_or_lines")]
    introduction: String,
    #[serde(default)]
    server: ServerSpec,
    #[serde(default)]
    disabled_commands: Vec<Verb>,
    goals: Vec<Goal>,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(deserialize_with = "script_from_connections")]
    solution: Script,
    /// The lesson's texts in other languages, by language tag (`zh-CN`).
    #[serde(default)]
    translations: BTreeMap<String, LessonTranslation>,
    /// Resolved from `server` and `disabled_commands` during validation.
    #[serde(skip)]
    settings: Settings,
    /// Resolved from `server.network` during validation.
    #[serde(skip)]
    network: Option<Network>,
}

/// One lesson's texts in another language; what it leaves out stays in
/// the lesson's own language. `goals` and `hints`, when given, have one
/// entry per goal and hint of the lesson, in the same order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonTranslation {
    /// The title.
    pub title: Option<String>,
    /// The introduction (text, or a list of lines).
    #[serde(default, deserialize_with = "optional_text_or_lines")]
    pub introduction: Option<String>,
    /// Each goal's description.
    pub goals: Option<Vec<String>>,
    /// Each hint.
    pub hints: Option<Vec<String>>,
}

fn optional_text_or_lines<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    text_or_lines(deserializer).map(Some)
}

/// Accepts a string, or a list of lines joined with newlines (long text is
/// easier to write that way in JSON).
fn text_or_lines<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        One(String),
        Lines(Vec<String>),
    }
    match Text::deserialize(deserializer) {
        Ok(Text::One(text)) => Ok(text),
        Ok(Text::Lines(lines)) => Ok(lines.join("\n")),
        Err(_) => Err(serde::de::Error::custom(
            "expected text, or a list of lines",
        )),
    }
}

/// A solution is a list of connections: each a list of steps (to
/// localhost), or `{"connect": "HOST PORT", "steps": [...]}` (to a
/// network host).
fn script_from_connections<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Script, D::Error> {
    let mut script = Script::default();
    for connection in Vec::<SolutionConnection>::deserialize(deserializer)? {
        match connection.connect {
            Some(endpoint) => script.connect_to(endpoint),
            None => script.connect(),
        }
        if let Some(steps) = script.connections.last_mut() {
            *steps = connection.steps;
        }
    }
    Ok(script)
}

/// One connection of a solution, as JSON writes it.
struct SolutionConnection {
    connect: Option<Endpoint>,
    steps: Vec<Step>,
}

impl<'de> Deserialize<'de> for SolutionConnection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ConnectionVisitor;
        impl<'de> serde::de::Visitor<'de> for ConnectionVisitor {
            type Value = SolutionConnection;

            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(r#"a list of steps, or {"connect": "HOST PORT", "steps": [...]}"#)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut steps = Vec::new();
                while let Some(step) = seq.next_element()? {
                    steps.push(step);
                }
                Ok(SolutionConnection {
                    connect: None,
                    steps,
                })
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let (mut connect, mut steps) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "connect" => {
                            let text = map.next_value::<String>()?;
                            let endpoint = Endpoint::parse(&text).ok_or_else(|| {
                                serde::de::Error::custom(format!(
                                    "`{text}`: write \"HOST PORT\", like \"mx1.example.org 25\""
                                ))
                            })?;
                            connect = Some(endpoint);
                        }
                        "steps" => steps = Some(map.next_value::<Vec<Step>>()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(
                                other,
                                &["connect", "steps"],
                            ))
                        }
                    }
                }
                Ok(SolutionConnection {
                    connect: Some(
                        connect.ok_or_else(|| serde::de::Error::missing_field("connect"))?,
                    ),
                    steps: steps.ok_or_else(|| serde::de::Error::missing_field("steps"))?,
                })
            }
        }
        deserializer.deserialize_any(ConnectionVisitor)
    }
}

impl Lesson {
    /// The id, unique in its pack; used in URLs and attempt files.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its texts in `lang` (a tag such as `zh-CN`), if the pack has them.
    pub fn translation(&self, lang: &str) -> Option<&LessonTranslation> {
        self.translations.get(lang)
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The introduction, plain text or markdown.
    pub fn introduction(&self) -> &str {
        &self.introduction
    }

    /// The server as the lesson describes it.
    pub fn server(&self) -> &ServerSpec {
        &self.server
    }

    /// The settings the lesson's server runs with: the preset, the changes,
    /// and a refusal rule for each disabled command.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Commands the server refuses in this lesson (502).
    pub fn disabled_commands(&self) -> &[Verb] {
        &self.disabled_commands
    }

    /// The goals, in order.
    pub fn goals(&self) -> &[Goal] {
        &self.goals
    }

    /// Hints, to be revealed one at a time.
    pub fn hints(&self) -> &[String] {
        &self.hints
    }

    /// The reference solution: what a learner would type, connection by
    /// connection.
    pub fn solution(&self) -> &Script {
        &self.solution
    }

    /// The network the lesson runs, if any (hosts as they start: see
    /// [`ServerSpec::outages`]).
    pub fn network(&self) -> Option<&Network> {
        self.network.as_ref()
    }

    /// A fresh checker for this lesson's goals.
    pub fn checker(&self) -> Checker {
        Checker::new(&self.goals, &self.settings.world)
    }
}

/// Ids are lower-case letters, digits and single hyphens: they go into
/// URLs and file names unchanged.
pub(crate) fn check_id(id: &str) -> Result<(), Reason> {
    let well_formed = !id.is_empty()
        && id.len() <= MAX_ID_LENGTH
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--");
    if well_formed {
        Ok(())
    } else {
        Err(Reason::InvalidId {
            id: id.to_owned(),
            max_length: MAX_ID_LENGTH,
        })
    }
}

/// Problems found in a lesson: (field path, reason).
pub(crate) type FieldProblems = Vec<(String, Reason)>;

/// Checks one lesson's fields and fills in its settings. The reference
/// solution is not run here: with no problems, the caller runs it.
pub(crate) fn validate_lesson(lesson: &mut Lesson) -> FieldProblems {
    let mut problems = check_texts(lesson);
    problems.extend(check_translations(lesson));
    let settings = match resolve_settings(&lesson.server, &lesson.disabled_commands) {
        Ok(settings) => Some(settings),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let world = settings.as_ref().map(|s| &s.world);
    problems.extend(check_goals(&lesson.goals, world));
    let resolved = lesson.server.network.as_ref().map(resolve_network);
    let network = match resolved.map(|n| n.and_then(|n| apply_dns(n, &lesson.server))) {
        Some(Ok(network)) => Some(network),
        Some(Err(problem)) => {
            problems.push(problem);
            None
        }
        None => None,
    };
    problems.extend(check_network_goals(lesson, network.as_ref()));
    lesson.network = network;
    check_solution(&lesson.solution, &mut |field, reason| {
        problems.push((field.to_owned(), reason))
    });
    if let Some(settings) = settings {
        lesson.settings = settings;
    }
    problems
}

/// Each translation's goals and hints: one per goal and hint of the lesson.
fn check_translations(lesson: &Lesson) -> FieldProblems {
    let mut problems: FieldProblems = Vec::new();
    for (lang, translation) in &lesson.translations {
        let lists = [
            ("goals", translation.goals.as_ref(), lesson.goals.len()),
            ("hints", translation.hints.as_ref(), lesson.hints.len()),
        ];
        for (name, list, expected) in lists {
            if let Some(list) = list.filter(|list| list.len() != expected) {
                problems.push((
                    format!("translations.{lang}.{name}"),
                    Reason::TranslationCount {
                        found: list.len(),
                        expected,
                    },
                ));
            }
        }
    }
    problems
}

/// The id, the texts, the hints and the disabled commands.
fn check_texts(lesson: &Lesson) -> FieldProblems {
    let mut problems: FieldProblems = Vec::new();
    if let Err(reason) = check_id(&lesson.id) {
        problems.push(("id".into(), reason));
    }
    for (field, text) in [
        ("title", &lesson.title),
        ("introduction", &lesson.introduction),
    ] {
        if text.trim().is_empty() {
            problems.push((field.into(), Reason::Blank));
        }
    }
    for (index, verb) in lesson.disabled_commands.iter().enumerate() {
        if lesson.disabled_commands[..index].contains(verb) {
            problems.push((
                format!("disabled_commands[{index}]"),
                Reason::ListedTwice(format!("{verb:?}").to_uppercase()),
            ));
        }
    }
    for (index, hint) in lesson.hints.iter().enumerate() {
        if hint.trim().is_empty() {
            problems.push((format!("hints[{index}]"), Reason::Blank));
        }
    }
    problems
}

/// The goals; `world` is `None` when the lesson's settings are broken.
fn check_goals(goals: &[Goal], world: Option<&World>) -> FieldProblems {
    let mut problems: FieldProblems = Vec::new();
    if goals.is_empty() {
        problems.push(("goals".into(), Reason::NoGoals));
    } else if goals.iter().all(|g| g.condition.is_limit()) {
        problems.push(("goals".into(), Reason::OnlyLimits));
    }
    for (index, goal) in goals.iter().enumerate() {
        let field = format!("goals[{index}]");
        if goal.description.trim().is_empty() {
            problems.push((format!("{field}.description"), Reason::Blank));
        }
        problems.extend(check_condition(&goal.condition, &field, world, false));
    }
    problems
}

fn check_solution(solution: &Script, problem: &mut impl FnMut(&str, Reason)) {
    if solution.connections.is_empty() {
        problem("solution", Reason::EmptySolution);
    }
    for (c, steps) in solution.connections.iter().enumerate() {
        if steps.is_empty() {
            problem(&format!("solution[{c}]"), Reason::EmptyConnection);
        }
        for (s, step) in steps.iter().enumerate() {
            let field = format!("solution[{c}][{s}]");
            match step {
                Step::Send(lines) if lines.is_empty() => problem(&field, Reason::EmptyPipeline),
                Step::Send(lines) => {
                    if lines.iter().any(|l| l.contains(['\r', '\n'])) {
                        problem(&field, Reason::LineBreakInLine);
                    }
                }
                Step::Wait(0) => problem(&field, Reason::ZeroWait),
                Step::Wait(_) | Step::Dns(_) => {}
            }
        }
    }
}

/// Checks a condition's values; `world` is `None` when the lesson's
/// settings are broken (addresses are then not looked up).
fn check_condition(
    condition: &Condition,
    field: &str,
    world: Option<&World>,
    in_sequence: bool,
) -> FieldProblems {
    let mut problems: FieldProblems = Vec::new();
    let mut problem = |name: &str, reason: Reason| {
        let path = if name.is_empty() {
            field.to_owned()
        } else {
            format!("{field}.{name}")
        };
        problems.push((path, reason));
    };
    match condition {
        Condition::Delivered(check) => check_delivered(check, world, &mut problem),
        Condition::Sequence { steps } => {
            if steps.len() < 2 {
                problem("steps", Reason::SequenceTooShort);
            }
            for (index, step) in steps.iter().enumerate() {
                let path = format!("{field}.steps[{index}]");
                problems.extend(check_condition(step, &path, world, true));
            }
        }
        Condition::MaxCommands { max } => {
            if in_sequence {
                problem("", Reason::LimitInSequence);
            }
            if *max == 0 {
                problem("max", Reason::ZeroMax);
            }
        }
        other => check_simple_condition(other, world, &mut problem),
    }
    problems
}

/// The conditions with no nested parts and no addresses to look up.
fn check_simple_condition(
    condition: &Condition,
    world: Option<&World>,
    problem: &mut impl FnMut(&str, Reason),
) {
    let mut check_code = |code: u16| {
        if !(200..=599).contains(&code) {
            problem("code", Reason::NotAReplyCode(code));
        }
    };
    match condition {
        Condition::ReplySeen { code, .. } => check_code(*code),
        Condition::CommandAnswered {
            argument_contains,
            code,
            ..
        } => {
            if let Some(code) = code {
                check_code(*code);
            }
            if argument_contains
                .as_ref()
                .is_some_and(|a| a.trim().is_empty())
            {
                problem("argument_contains", Reason::MatchesAnything);
            }
        }
        Condition::Authenticated { user: Some(user) }
            if world.is_some_and(|w| w.user(user).is_none_or(|u| u.password.is_none())) =>
        {
            problem("user", Reason::NoAccount(user.clone()));
        }
        Condition::Pipelined { min_commands } if *min_commands < 2 => {
            problem("min_commands", Reason::TooFewToPipeline);
        }
        _ => {}
    }
}

fn check_delivered(
    check: &DeliveredCheck,
    world: Option<&World>,
    problem: &mut impl FnMut(&str, Reason),
) {
    if let Some(world) = world {
        check_recipients(check, world, problem);
    }
    for (name, value) in [
        ("subject_contains", &check.subject_contains),
        ("from_header_contains", &check.from_header_contains),
        ("to_header_contains", &check.to_header_contains),
        ("body_contains", &check.body_contains),
        ("mail_parameter", &check.mail_parameter),
    ] {
        if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
            problem(name, Reason::MatchesAnything);
        }
    }
    if let Some(line) = &check.body_has_line {
        if line.contains(['\r', '\n']) {
            problem("body_has_line", Reason::NotOneLine);
        }
    }
    if let Some(from) = &check.envelope_from {
        let bare = from.trim();
        let bare = bare
            .strip_prefix('<')
            .and_then(|f| f.strip_suffix('>'))
            .unwrap_or(bare);
        let valid = bare.is_empty()
            || smtplab_engine::address::parse_mailbox(bare).is_ok_and(|m| !m.domain.is_empty());
        if !valid {
            problem("envelope_from", Reason::NotASender(from.clone()));
        }
    }
}

/// `to` and `not_to`: every address resolves, and none is in both.
fn check_recipients(check: &DeliveredCheck, world: &World, problem: &mut impl FnMut(&str, Reason)) {
    for (name, list) in [("to", &check.to), ("not_to", &check.not_to)] {
        for (index, address) in list.iter().enumerate() {
            let field = if list.len() == 1 {
                name.to_owned()
            } else {
                format!("{name}[{index}]")
            };
            if let Err(error) = resolve_target(world, address) {
                problem(&field, error.into());
            }
        }
    }
    let resolved = |list: &[String]| -> Vec<Target> {
        list.iter()
            .filter_map(|a| resolve_target(world, a).ok())
            .collect()
    };
    let (to, not_to) = (resolved(&check.to), resolved(&check.not_to));
    let overlaps = to.iter().any(|t| {
        not_to.iter().any(|n| match (t, n) {
            (Target::Local(a), Target::Local(b)) => a.iter().any(|user| b.contains(user)),
            (Target::Remote(a), Target::Remote(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        })
    });
    if overlaps {
        problem("not_to", Reason::ContradictsTo);
    }
}

/// The lesson's settings: preset, merged changes, added names, and a
/// refusal for each disabled command. Errors are (field, reason).
fn resolve_settings(spec: &ServerSpec, disabled: &[Verb]) -> Result<Settings, (String, Reason)> {
    let base = Settings::preset(&spec.preset).ok_or_else(|| {
        let known: Vec<&str> = PRESETS.iter().map(|(name, _)| *name).collect();
        let reason = Reason::UnknownPreset {
            name: spec.preset.clone(),
            known: known.join(", "),
        };
        ("server.preset".to_owned(), reason)
    })?;
    let Settings {
        mut profile,
        mut world,
        relay,
    } = base;
    patch::apply_profile(&mut profile, &spec.profile, "server.profile").map_err(field_problem)?;
    patch::apply_world(&mut world, &spec.world, "server.world").map_err(field_problem)?;
    world.users.extend(spec.add_users.iter().cloned());
    world.aliases.extend(spec.add_aliases.iter().cloned());
    world.lists.extend(spec.add_lists.iter().cloned());
    let refusals = disabled.iter().map(|verb| RejectRule {
        verb: *verb,
        code: 502,
        enhanced: Some(EnhancedCode::new(5, 5, 1)),
        text: DISABLED_COMMAND_TEXT.into(),
        times: None,
    });
    // First, so a disabled command is refused before any other staged fault.
    profile.faults.reject.splice(0..0, refusals);
    let settings = Settings {
        profile,
        world,
        relay,
    };
    settings
        .validate()
        .map_err(|error| ("server".to_owned(), Reason::Settings(error)))?;
    Ok(settings)
}

/// `server.network`: `"default"`, or a description to load.
fn resolve_network(spec: &Patch) -> Result<Network, (String, Reason)> {
    const FIELD: &str = "server.network";
    if let Some(name) = spec.as_str() {
        return match name {
            "default" => Ok(Network::default()),
            other => Err((
                FIELD.to_owned(),
                Reason::Network(format!(
                    "unknown network `{other}` (write \"default\", or a whole description)"
                )),
            )),
        };
    }
    patch::read_network(spec, FIELD)
        .map_err(|error| (error.field().to_owned(), Reason::Network(error.to_string())))
}

/// `server.dns`: each change applied in order to the lesson's network.
fn apply_dns(mut network: Network, server: &ServerSpec) -> Result<Network, (String, Reason)> {
    for (index, text) in server.dns.iter().enumerate() {
        let applied = text
            .parse::<ZoneEdit>()
            .and_then(|edit| network.apply_edit(&edit));
        if let Err(error) = applied {
            return Err((
                format!("server.dns[{index}]"),
                Reason::Dns(error.to_string()),
            ));
        }
    }
    Ok(network)
}

/// The network goals' hosts and mailboxes, and the outages' hosts.
fn check_network_goals(lesson: &Lesson, network: Option<&Network>) -> FieldProblems {
    let mut problems: FieldProblems = Vec::new();
    let mut auth_problems: FieldProblems = Vec::new();
    let mut check_host = |field: String, host: &str, mailbox: Option<&str>| {
        let Some(network) = network else {
            if lesson.server.network.is_none() {
                problems.push((field, Reason::NeedsNetwork));
            }
            return;
        };
        match network.host(host) {
            None => problems.push((
                format!("{field}.host"),
                Reason::UnknownNetworkHost(host.to_owned()),
            )),
            Some(found) => {
                if let Some(mailbox) = mailbox.filter(|m| found.world.user(m).is_none()) {
                    problems.push((
                        format!("{field}.mailbox"),
                        Reason::UnknownHostMailbox {
                            host: host.to_owned(),
                            mailbox: mailbox.to_owned(),
                        },
                    ));
                }
            }
        }
    };
    for (index, goal) in lesson.goals.iter().enumerate() {
        let mut stack = vec![(format!("goals[{index}]"), &goal.condition)];
        while let Some((field, condition)) = stack.pop() {
            if let Condition::Sequence { steps } = condition {
                for (s, step) in steps.iter().enumerate() {
                    stack.push((format!("{field}.steps[{s}]"), step));
                }
            }
            if let Some(name) = mail_auth_field(condition).filter(|_| !lesson.server.mail_auth) {
                auth_problems.push((format!("{field}.{name}"), Reason::NeedsMailAuth));
            }
            if let Some(host) = condition.network_host() {
                check_host(field, host, condition_mailbox(condition));
            }
        }
    }
    for (index, outage) in lesson.server.outages.iter().enumerate() {
        check_host(format!("server.outages[{index}]"), &outage.host, None);
    }
    if lesson.server.mail_auth && lesson.server.network.is_none() {
        problems.push(("server.mail_auth".into(), Reason::NeedsNetwork));
    }
    if !lesson.server.dns.is_empty() && lesson.server.network.is_none() {
        problems.push(("server.dns".into(), Reason::NeedsNetwork));
    }
    problems.extend(auth_problems);
    problems
}

/// The field of a goal that only a network with `mail_auth` can meet.
fn mail_auth_field(condition: &Condition) -> Option<&'static str> {
    match condition {
        Condition::MailFiled(check) if check.auth_results_contains.is_some() => {
            Some("auth_results_contains")
        }
        Condition::MailFiled(check) if check.folder.is_some() => Some("folder"),
        _ => None,
    }
}

fn condition_mailbox(condition: &Condition) -> Option<&str> {
    match condition {
        Condition::MailFiled(check) => Some(&check.mailbox),
        Condition::DsnReceived { mailbox, .. } => Some(mailbox),
        _ => None,
    }
}

/// A patch error as a (field, reason) problem.
fn field_problem(error: PatchError) -> (String, Reason) {
    (error.field, Reason::Patch(error.problem))
}

/// Deserializes `T`, saying where in the document an error is
/// (`lessons[2].goals[0]`).
#[cfg(feature = "field-paths")]
pub(crate) fn deserialize_tracked<'de, T, D>(deserializer: D) -> Result<T, (String, D::Error)>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(deserializer)
        .map_err(|error| (error.path().to_string(), error.into_inner()))
}

/// Without the `field-paths` feature (the browser build, where every
/// kilobyte is downloaded) errors carry serde's message and, for text, its
/// line and column, but no path.
#[cfg(not(feature = "field-paths"))]
pub(crate) fn deserialize_tracked<'de, T, D>(deserializer: D) -> Result<T, (String, D::Error)>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    T::deserialize(deserializer).map_err(|error| (".".to_owned(), error))
}

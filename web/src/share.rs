//! Share links: the profile and the lines typed, in the URL fragment, so a
//! session can be rebuilt anywhere with no server involved.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use smtplab_engine::{Extension, Profile, Settings};

use crate::i18n::Lang;
use crate::policies::POLICY_TOGGLES;

/// What a share link carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    /// Preset name (ignored when `lesson` is set: the lesson brings its server).
    pub profile: String,
    /// Submissions, in order.
    pub script: Vec<String>,
    /// The lesson the session ran in: `id` for a built-in one,
    /// `pack/id` for a teacher's.
    pub lesson: Option<String>,
    /// The settings panel's switches that differ from the preset: (id, on).
    pub switches: Vec<(String, bool)>,
    /// The page's language (`&l=` when not English).
    pub lang: Lang,
    /// The session asked the mail network for something, so its embed
    /// snippet asks for the widget build that has it. Share links leave it
    /// out: the page loads the network when the replay asks for it.
    pub network: bool,
}

impl Shared {
    /// The server settings the link asks for: the preset with the switches.
    pub fn settings(&self) -> Settings {
        let mut settings = Settings::preset(&self.profile).unwrap_or_default();
        for (id, on) in &self.switches {
            if let Some(switch) = switch(id) {
                (switch.write)(&mut settings.profile, *on);
            }
        }
        settings
    }

    /// The name the lab shows for these settings.
    pub fn profile_name(&self) -> String {
        if self.switches.is_empty() {
            self.profile.clone()
        } else {
            format!("{} (custom)", self.profile)
        }
    }
}

/// One of the settings panel's switches: the registry's extension flags
/// and the panel's policy toggles, by the id the panel gives them.
struct Switch {
    id: String,
    read: Box<dyn Fn(&Profile) -> bool>,
    write: Box<Writer>,
}

/// Sets one switch of a profile.
type Writer = dyn Fn(&mut Profile, bool);

/// Every switch the settings panel offers.
fn switches() -> impl Iterator<Item = Switch> {
    let extensions = Extension::ALL
        .into_iter()
        .filter(|e| e.setting().is_some())
        .map(|extension| Switch {
            id: extension.keyword().to_ascii_lowercase(),
            read: Box::new(move |p: &Profile| extension.flag(&p.extensions).unwrap_or(false)),
            write: Box::new(move |p: &mut Profile, on| {
                if let Some(flag) = extension.flag_mut(&mut p.extensions) {
                    *flag = on;
                }
            }),
        });
    let policies = POLICY_TOGGLES.iter().map(|(id, _, read, write)| Switch {
        id: (*id).to_owned(),
        read: Box::new(*read),
        write: Box::new(*write),
    });
    extensions.chain(policies)
}

fn switch(id: &str) -> Option<Switch> {
    switches().find(|s| s.id == id)
}

/// The switches where `profile` differs from the preset `preset`.
pub fn changed_switches(preset: &str, profile: &Profile) -> Vec<(String, bool)> {
    let Some(base) = Settings::preset(preset) else {
        return Vec::new();
    };
    switches()
        .filter_map(|s| {
            let on = (s.read)(profile);
            (on != (s.read)(&base.profile)).then_some((s.id, on))
        })
        .collect()
}

/// `t=` value: `id` for a switch turned on, `-id` for one turned off.
fn encode_switches(switches: &[(String, bool)]) -> String {
    let items: Vec<String> = switches
        .iter()
        .map(|(id, on)| if *on { id.clone() } else { format!("-{id}") })
        .collect();
    items.join(",")
}

fn decode_switches(value: &str) -> Result<Vec<(String, bool)>, String> {
    value
        .split(',')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (id, on) = item
                .strip_prefix('-')
                .map_or((item, true), |id| (id, false));
            match switch(id) {
                Some(_) => Ok((id.to_owned(), on)),
                None => Err(format!(
                    "The shared link names an unknown server setting `{id}`."
                )),
            }
        })
        .collect()
}

/// The link form of a lesson: `id` for a built-in one, `pack/id` else.
pub fn lesson_link(pack: &str, lesson: &str) -> String {
    if pack == "builtin" {
        lesson.to_owned()
    } else {
        format!("{pack}/{lesson}")
    }
}

/// `(pack, lesson)` of a lesson link: `id` is a built-in lesson,
/// `pack/id` a teacher's.
pub fn lesson_parts(link: &str) -> (String, String) {
    match link.split_once('/') {
        Some((pack, lesson)) => (pack.to_owned(), lesson.to_owned()),
        None => ("builtin".to_owned(), link.to_owned()),
    }
}

/// Longest fragment accepted, so a hostile link cannot make the page
/// replay megabytes.
const MAX_FRAGMENT: usize = 64 * 1024;

/// `#p=<profile>&s=<base64url of the script, one submission per NUL>`, or
/// `#lesson=<lesson>&s=...` inside a lesson.
pub fn encode(shared: &Shared) -> String {
    let joined = shared.script.join("\0");
    let head = match &shared.lesson {
        Some(lesson) => format!("lesson={lesson}"),
        None if shared.switches.is_empty() => format!("p={}", shared.profile),
        None => format!(
            "p={}&t={}",
            shared.profile,
            encode_switches(&shared.switches)
        ),
    };
    let lang = match shared.lang {
        Lang::En => String::new(),
        other => format!("&l={}", other.tag()),
    };
    format!(
        "#{head}{lang}&s={}",
        URL_SAFE_NO_PAD.encode(joined.as_bytes())
    )
}

/// Reads a fragment made by [`encode`] (a plain `#lesson=ID` deep link
/// too); `Err` says what is wrong.
pub fn decode(fragment: &str) -> Result<Option<Shared>, String> {
    let fragment = fragment.trim_start_matches('#');
    if fragment.is_empty() {
        return Ok(None);
    }
    if fragment.len() > MAX_FRAGMENT {
        return Err("The shared link is too long to replay.".into());
    }
    let mut profile = None;
    let mut script = None;
    let mut lesson = None;
    let mut switches = Vec::new();
    let mut lang = Lang::En;
    for pair in fragment.split('&') {
        match pair.split_once('=') {
            Some(("t", value)) => switches = decode_switches(value)?,
            Some(("l", value)) => lang = Lang::from_tag(value).unwrap_or_default(),
            Some(("p", value)) => profile = Some(value.to_owned()),
            Some(("s", value)) => script = Some(value),
            Some(("lesson", value)) => lesson = Some(decode_component(value)),
            _ => {}
        }
    }
    if lesson.is_none() && (profile.is_none() || script.is_none()) {
        return Ok(None);
    }
    let profile = profile.unwrap_or_else(|| "default".to_owned());
    if lesson.is_none() && smtplab_engine::Profile::preset(&profile).is_none() {
        return Err(format!(
            "The shared link names an unknown profile `{profile}`."
        ));
    }
    let script = decode_script(script.unwrap_or_default())?;
    Ok(Some(Shared {
        profile,
        script,
        lesson,
        switches,
        lang,
        network: false,
    }))
}

fn decode_script(encoded: &str) -> Result<Vec<String>, String> {
    let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| {
        "The shared link is damaged (its session data is not valid base64).".to_owned()
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| "The shared link is damaged (its session data is not text).".to_owned())?;
    Ok(if text.is_empty() {
        Vec::new()
    } else {
        text.split('\0').map(str::to_owned).collect()
    })
}

/// Undoes URL percent-encoding (`%2F` and friends) in one address part.
fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Escapes text for an HTML attribute value in double quotes.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Percent-encodes a URL query value (everything but unreserved characters).
fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The HTML a documentation author pastes to embed this session: the
/// `<smtp-lab>` element, and the iframe route for hosts that strip scripts.
/// `base` is the URL of the smtplab site, ending in `/`. A lesson session
/// embeds the lesson (only built-in lessons can be embedded: the widget has
/// no teacher's packs). A page not in English gives the widget its `lang`;
/// a session that used the mail network asks for it (`network`; a lesson
/// brings its own).
pub fn embed_snippet(base: &str, shared: &Shared) -> String {
    let script = shared.script.join("\n");
    let (name, value) = match &shared.lesson {
        Some(lesson) => ("lesson", lesson.as_str()),
        None => ("profile", shared.profile.as_str()),
    };
    let mut element = format!("<smtp-lab {name}=\"{}\"", attribute(value));
    let mut query = format!("{name}={}", query_value(value));
    if !script.is_empty() {
        element.push_str(&format!(" script=\"{}\"", attribute(&script)));
        query.push_str(&format!("&amp;script={}", query_value(&script)));
    }
    if shared.lang != Lang::En {
        element.push_str(&format!(" lang=\"{}\"", shared.lang.tag()));
        query.push_str(&format!("&amp;lang={}", shared.lang.tag()));
    }
    if shared.network && shared.lesson.is_none() {
        element.push_str(" network");
        query.push_str("&amp;network");
    }
    format!(
        "<script type=\"module\" src=\"{base}widget/smtp-lab.js\"></script>\n{element}></smtp-lab>\n\n<!-- Where pages may not load scripts: -->\n<iframe title=\"smtplab\" src=\"{base}embed.html?{query}\" width=\"100%\" height=\"420\"></iframe>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_snippets_escape_what_the_learner_typed() {
        let snippet = embed_snippet(
            "https://lab.example/smtp/",
            &Shared {
                profile: "strict".into(),
                script: vec![
                    "telnet localhost smtp".into(),
                    "MAIL FROM:<a@example.com> \"x\" & y".into(),
                ],
                lesson: None,
                switches: Vec::new(),
                lang: Lang::En,
                network: false,
            },
        );
        assert!(snippet.starts_with("<script type=\"module\" src=\"https://lab.example/smtp/widget/smtp-lab.js\"></script>\n"));
        assert!(snippet.contains("<smtp-lab profile=\"strict\" script=\"telnet localhost smtp\nMAIL FROM:&lt;a@example.com&gt; &quot;x&quot; &amp; y\"></smtp-lab>"));
        assert!(snippet.contains("embed.html?profile=strict&amp;script=telnet%20localhost%20smtp%0AMAIL%20FROM%3A%3Ca%40example.com%3E%20%22x%22%20%26%20y\""));
    }

    #[test]
    fn a_session_on_the_network_embeds_a_widget_with_the_network() {
        let mut shared = Shared {
            profile: "default".into(),
            script: vec!["dig MX example.org".into()],
            lesson: None,
            switches: Vec::new(),
            lang: Lang::En,
            network: true,
        };
        let snippet = embed_snippet("https://lab.example/", &shared);
        assert!(
            snippet.contains(
                "<smtp-lab profile=\"default\" script=\"dig MX example.org\" network></smtp-lab>"
            ),
            "{snippet}"
        );
        assert!(
            snippet.contains(
                "embed.html?profile=default&amp;script=dig%20MX%20example.org&amp;network\""
            ),
            "{snippet}"
        );
        // A lesson brings its own network (or none): the lesson build is loaded anyway.
        shared.lesson = Some("find-the-mx".into());
        let snippet = embed_snippet("https://lab.example/", &shared);
        assert!(!snippet.contains("network"), "{snippet}");
        // Share links leave it out; the page loads the network on replay.
        shared.lesson = None;
        assert!(!decode(&encode(&shared)).unwrap().unwrap().network);
    }

    #[test]
    fn a_chinese_page_embeds_a_chinese_widget() {
        let shared = Shared {
            profile: "default".into(),
            script: Vec::new(),
            lesson: None,
            switches: Vec::new(),
            lang: Lang::ZhCn,
            network: false,
        };
        let snippet = embed_snippet("https://lab.example/", &shared);
        assert!(
            snippet.contains("<smtp-lab profile=\"default\" lang=\"zh-CN\"></smtp-lab>"),
            "{snippet}"
        );
        assert!(
            snippet.contains("embed.html?profile=default&amp;lang=zh-CN\""),
            "{snippet}"
        );
    }

    #[test]
    fn round_trips_multi_line_submissions() {
        let shared = Shared {
            profile: "strict".into(),
            script: vec![
                "telnet localhost smtp".into(),
                "EHLO x".into(),
                "a\nb\n.".into(),
            ],
            lesson: None,
            switches: Vec::new(),
            lang: Lang::En,
            network: false,
        };
        let fragment = encode(&shared);
        assert!(!fragment.contains(['\n', ' ', '+', '/']));
        assert_eq!(decode(&fragment), Ok(Some(shared)));
    }

    #[test]
    fn lesson_sessions_share_and_embed_the_lesson_not_a_profile() {
        let shared = Shared {
            profile: "lesson dot-stuffing".into(),
            script: vec!["telnet localhost smtp".into(), "EHLO x".into()],
            lesson: Some("dot-stuffing".into()),
            switches: Vec::new(),
            lang: Lang::En,
            network: false,
        };
        let fragment = encode(&shared);
        assert!(
            fragment.starts_with("#lesson=dot-stuffing&s="),
            "{fragment}"
        );
        let back = decode(&fragment).unwrap().unwrap();
        assert_eq!(
            (back.lesson, back.script),
            (shared.lesson.clone(), shared.script.clone())
        );
        let snippet = embed_snippet("https://lab.example/", &shared);
        assert!(
            snippet.contains("<smtp-lab lesson=\"dot-stuffing\" script="),
            "{snippet}"
        );
        assert!(
            snippet.contains("embed.html?lesson=dot-stuffing&amp;script="),
            "{snippet}"
        );
        // A plain deep link and a teacher's lesson.
        let deep = decode("#lesson=room%2Fintro").unwrap().unwrap();
        assert_eq!(deep.lesson.as_deref(), Some("room/intro"));
        assert!(deep.script.is_empty());
        assert_eq!(lesson_parts("room/intro"), ("room".into(), "intro".into()));
        assert_eq!(
            lesson_parts("dot-stuffing"),
            ("builtin".into(), "dot-stuffing".into())
        );
    }

    #[test]
    fn switched_settings_travel_with_the_link() {
        let mut settings = Settings::default();
        settings.profile.extensions.pipelining = false;
        settings.profile.vrfy = smtplab_engine::profile::VrfyPolicy::CannotVerify;
        let switches = changed_switches("default", &settings.profile);
        assert_eq!(
            switches,
            [("pipelining".to_owned(), false), ("vrfy".to_owned(), false)]
        );
        let shared = Shared {
            profile: "default".into(),
            script: vec!["telnet localhost smtp".into()],
            lesson: None,
            switches,
            lang: Lang::En,
            network: false,
        };
        let fragment = encode(&shared);
        assert!(
            fragment.starts_with("#p=default&t=-pipelining,-vrfy&s="),
            "{fragment}"
        );
        let back = decode(&fragment).unwrap().unwrap();
        assert_eq!(back, shared);
        assert_eq!(back.settings().profile, settings.profile);
        assert_eq!(back.profile_name(), "default (custom)");
        assert!(decode("#p=default&t=-nosuch&s=")
            .unwrap_err()
            .contains("unknown server setting `nosuch`"));
    }

    #[test]
    fn the_language_travels_with_the_link() {
        let shared = Shared {
            profile: "default".into(),
            script: vec!["telnet localhost smtp".into()],
            lesson: None,
            switches: Vec::new(),
            lang: Lang::ZhCn,
            network: false,
        };
        let fragment = encode(&shared);
        assert!(fragment.starts_with("#p=default&l=zh-CN&s="), "{fragment}");
        assert_eq!(decode(&fragment), Ok(Some(shared)));
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        assert_eq!(decode(""), Ok(None));
        assert_eq!(decode("#x=1"), Ok(None));
        assert!(decode("#p=nope&s=")
            .unwrap_err()
            .contains("unknown profile `nope`"));
        assert!(decode("#p=default&s=***")
            .unwrap_err()
            .contains("not valid base64"));
        assert!(decode(&format!("#p=default&s={}", "A".repeat(70_000)))
            .unwrap_err()
            .contains("too long"));
    }
}

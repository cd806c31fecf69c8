//! Share links: the profile and the lines typed, in the URL fragment, so a
//! session can be rebuilt anywhere with no server involved.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// What a share link carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    /// Preset name.
    pub profile: String,
    /// Submissions, in order.
    pub script: Vec<String>,
}

/// Longest fragment accepted, so a hostile link cannot make the page
/// replay megabytes.
const MAX_FRAGMENT: usize = 64 * 1024;

/// `#p=<profile>&s=<base64url of the script, one submission per NUL>`.
pub fn encode(shared: &Shared) -> String {
    let joined = shared.script.join("\0");
    format!(
        "#p={}&s={}",
        shared.profile,
        URL_SAFE_NO_PAD.encode(joined.as_bytes())
    )
}

/// Reads a fragment made by [`encode`]; `Err` says what is wrong.
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
    for pair in fragment.split('&') {
        match pair.split_once('=') {
            Some(("p", value)) => profile = Some(value.to_owned()),
            Some(("s", value)) => script = Some(value),
            _ => {}
        }
    }
    let (Some(profile), Some(script)) = (profile, script) else {
        return Ok(None);
    };
    if smtplab_engine::Profile::preset(&profile).is_none() {
        return Err(format!(
            "The shared link names an unknown profile `{profile}`."
        ));
    }
    let bytes = URL_SAFE_NO_PAD.decode(script).map_err(|_| {
        "The shared link is damaged (its session data is not valid base64).".to_owned()
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| "The shared link is damaged (its session data is not text).".to_owned())?;
    let script = if text.is_empty() {
        Vec::new()
    } else {
        text.split('\0').map(str::to_owned).collect()
    };
    Ok(Some(Shared { profile, script }))
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
/// `base` is the URL of the smtplab site, ending in `/`.
pub fn embed_snippet(base: &str, shared: &Shared) -> String {
    let script = shared.script.join("\n");
    let mut element = format!("<smtp-lab profile=\"{}\"", attribute(&shared.profile));
    let mut query = format!("profile={}", query_value(&shared.profile));
    if !script.is_empty() {
        element.push_str(&format!(" script=\"{}\"", attribute(&script)));
        query.push_str(&format!("&amp;script={}", query_value(&script)));
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
            },
        );
        assert!(snippet.starts_with("<script type=\"module\" src=\"https://lab.example/smtp/widget/smtp-lab.js\"></script>\n"));
        assert!(snippet.contains("<smtp-lab profile=\"strict\" script=\"telnet localhost smtp\nMAIL FROM:&lt;a@example.com&gt; &quot;x&quot; &amp; y\"></smtp-lab>"));
        assert!(snippet.contains("embed.html?profile=strict&amp;script=telnet%20localhost%20smtp%0AMAIL%20FROM%3A%3Ca%40example.com%3E%20%22x%22%20%26%20y\""));
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
        };
        let fragment = encode(&shared);
        assert!(!fragment.contains(['\n', ' ', '+', '/']));
        assert_eq!(decode(&fragment), Ok(Some(shared)));
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        assert_eq!(decode(""), Ok(None));
        assert_eq!(decode("#lesson=x"), Ok(None));
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

//! The Markdown that lesson texts may use, rendered as Yew nodes (never as
//! HTML, so a pack cannot inject markup): paragraphs, `-`/`*` and `1.`
//! lists, `#` headings, `code`, **strong**, *emphasis* and [links](url)
//! to http(s) or relative addresses.

use yew::prelude::*;

/// Renders a Markdown text.
pub fn markdown(text: &str) -> Html {
    let blocks = text
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(block);
    html! { { for blocks } }
}

fn block(text: &str) -> Html {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    if lines.iter().all(|l| bullet(l).is_some()) {
        let items = lines
            .iter()
            .filter_map(|l| bullet(l))
            .map(|l| html! { <li>{ inline(l) }</li> });
        return html! { <ul>{ for items }</ul> };
    }
    if lines.iter().all(|l| numbered(l).is_some()) {
        let items = lines
            .iter()
            .filter_map(|l| numbered(l))
            .map(|l| html! { <li>{ inline(l) }</li> });
        return html! { <ol>{ for items }</ol> };
    }
    if let Some(heading) = text.strip_prefix('#') {
        return html! { <h3>{ inline(heading.trim_start_matches('#').trim()) }</h3> };
    }
    html! { <p>{ inline(&lines.join(" ")) }</p> }
}

fn bullet(line: &str) -> Option<&str> {
    line.strip_prefix("- ").or_else(|| line.strip_prefix("* "))
}

fn numbered(line: &str) -> Option<&str> {
    let (number, rest) = line.split_once(". ")?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
}

/// Inline spans: code first (nothing inside code is Markdown), then links,
/// strong and emphasis.
fn inline(text: &str) -> Html {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match next_span(rest) {
            Some((before, span, after)) => {
                if !before.is_empty() {
                    out.push(html! { { before.to_owned() } });
                }
                out.push(span);
                rest = after;
            }
            None => {
                out.push(html! { { rest.to_owned() } });
                break;
            }
        }
    }
    html! { { for out } }
}

/// The first span in `text`: (text before it, the span, text after it).
fn next_span(text: &str) -> Option<(&str, Html, &str)> {
    let start = text.find(['`', '*', '['])?;
    let (before, from) = text.split_at(start);
    let found = if let Some(body) = from.strip_prefix('`') {
        body.split_once('`')
            .map(|(code, after)| (html! { <code>{ code.to_owned() }</code> }, after))
    } else if let Some(body) = from.strip_prefix("**") {
        body.split_once("**")
            .map(|(strong, after)| (html! { <strong>{ inline(strong) }</strong> }, after))
    } else if from.starts_with('[') {
        link(from)
    } else {
        let marker = &from[..1];
        from[1..]
            .split_once(marker)
            .filter(|(em, _)| !em.is_empty() && !em.starts_with(' '))
            .map(|(em, after)| (html! { <em>{ inline(em) }</em> }, after))
    };
    Some(match found {
        Some((span, after)) => (before, span, after),
        // Not a span after all: the marker is plain text.
        None => (&text[..start + 1], html! {}, &from[1..]),
    })
}

/// `[text](url)`: a link when the address is http(s) or relative, else text.
fn link(from: &str) -> Option<(Html, &str)> {
    let (label, after) = from[1..].split_once("](")?;
    let (url, after) = after.split_once(')')?;
    let lower = url.trim().to_ascii_lowercase();
    let safe = lower.starts_with("https://")
        || lower.starts_with("http://")
        || !(lower.contains(':') || lower.starts_with("//"));
    let node = if safe {
        html! { <a href={url.trim().to_owned()} rel="noopener">{ inline(label) }</a> }
    } else {
        html! { { label.to_owned() } }
    };
    Some((node, after))
}

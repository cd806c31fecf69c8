//! Tag=value lists (RFC 6376 section 3.2), the syntax of DKIM-Signature
//! fields, DKIM key records and DMARC records.

use thiserror::Error;

/// Why a tag list does not read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TagError {
    /// A `;`-separated part without `=`.
    #[error("`{0}` is not a tag=value pair")]
    MissingEquals(String),
    /// A tag name that is not ALPHA *(ALPHA / DIGIT / "_").
    #[error("`{0}` is not a tag name")]
    BadName(String),
    /// The same tag twice.
    #[error("the tag `{0}=` appears twice")]
    Duplicate(String),
    /// A character not allowed in tag values (`;` or a control character).
    #[error("the value of `{0}=` holds a character tag values may not")]
    BadValue(String),
    /// An empty part between two `;`.
    #[error("two `;` with no tag between them")]
    EmptyTag,
}

/// The tags in order; names are case-sensitive (RFC 6376 section 3.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagList {
    /// (name, value) with the value's outer whitespace trimmed.
    pub tags: Vec<(String, String)>,
}

impl TagList {
    /// Reads `a=1; b = two ;` (a trailing `;` is allowed).
    pub fn parse(text: &str) -> Result<Self, TagError> {
        let mut list = Self::default();
        let parts: Vec<&str> = text.split(';').collect();
        let last = parts.len().saturating_sub(1);
        for (index, part) in parts.iter().enumerate() {
            if part.trim_matches(is_fws).is_empty() {
                if index == last {
                    break;
                }
                return Err(TagError::EmptyTag);
            }
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| TagError::MissingEquals(part.trim().to_owned()))?;
            let name = name.trim_matches(is_fws);
            if !is_tag_name(name) {
                return Err(TagError::BadName(name.to_owned()));
            }
            let value = value.trim_matches(is_fws);
            if value.chars().any(|c| c.is_control() && !is_fws(c)) {
                return Err(TagError::BadValue(name.to_owned()));
            }
            if list.get(name).is_some() {
                return Err(TagError::Duplicate(name.to_owned()));
            }
            list.tags.push((name.to_owned(), value.to_owned()));
        }
        Ok(list)
    }

    /// A tag's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first tag's name.
    pub fn first_name(&self) -> Option<&str> {
        self.tags.first().map(|(n, _)| n.as_str())
    }
}

/// Folding white space: space, tab, CR and LF.
pub(crate) fn is_fws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// A value with every piece of folding white space removed (base64 and
/// colon-separated lists may be folded anywhere).
pub(crate) fn without_fws(value: &str) -> String {
    value.chars().filter(|c| !is_fws(*c)).collect()
}

fn is_tag_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_with_folding_and_a_trailing_semicolon() {
        let list = TagList::parse("v=1; a = rsa-sha256 ;\r\n\tb=abc\r\n def;").unwrap();
        assert_eq!(list.get("a"), Some("rsa-sha256"));
        assert_eq!(list.get("b").map(without_fws).as_deref(), Some("abcdef"));
        assert_eq!(list.first_name(), Some("v"));
        assert_eq!(list.get("A"), None, "names are case-sensitive");
    }

    #[test]
    fn malformed_lists_say_why() {
        assert_eq!(
            TagList::parse("v=1; v=2"),
            Err(TagError::Duplicate("v".into()))
        );
        assert_eq!(TagList::parse("v=1;; a=b"), Err(TagError::EmptyTag));
        assert!(matches!(
            TagList::parse("v"),
            Err(TagError::MissingEquals(_))
        ));
        assert!(matches!(TagList::parse("1v=x"), Err(TagError::BadName(_))));
        assert!(matches!(
            TagList::parse("v=\u{1}"),
            Err(TagError::BadValue(_))
        ));
        assert_eq!(TagList::parse("").map(|l| l.tags.len()), Ok(0));
    }
}

//! What a server's EHLO reply offers (RFC 5321 section 4.1.1.1): one
//! keyword per line after the first, with its parameters.

use super::reply::ServerReply;

/// The service extensions a server listed, as a client relies on them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Capabilities {
    /// Whether the session started with EHLO (false: HELO, no extensions).
    pub extended: bool,
    /// The server's name, the first word of the first line.
    pub server_name: String,
    /// Every keyword line as sent, upper-cased keyword first.
    pub keywords: Vec<(String, Vec<String>)>,
}

impl Capabilities {
    /// Reads an EHLO (or HELO) reply.
    pub fn from_reply(reply: &ServerReply, extended: bool) -> Self {
        let server_name = reply
            .lines
            .first()
            .and_then(|line| line.split_whitespace().next())
            .unwrap_or("")
            .to_owned();
        let keywords = if extended {
            reply
                .lines
                .iter()
                .skip(1)
                .filter_map(|line| {
                    let mut words = line.split_whitespace();
                    let keyword = words.next()?.to_ascii_uppercase();
                    Some((keyword, words.map(str::to_owned).collect()))
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            extended,
            server_name,
            keywords,
        }
    }

    /// The parameters of `keyword`, if the server offers it.
    pub fn get(&self, keyword: &str) -> Option<&[String]> {
        self.keywords
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(keyword))
            .map(|(_, parameters)| parameters.as_slice())
    }

    /// Whether the server offers `keyword`.
    pub fn has(&self, keyword: &str) -> bool {
        self.get(keyword).is_some()
    }

    /// RFC 2920: commands may be sent in groups.
    pub fn pipelining(&self) -> bool {
        self.has("PIPELINING")
    }

    /// RFC 3030: BDAT may be used.
    pub fn chunking(&self) -> bool {
        self.has("CHUNKING")
    }

    /// RFC 1870: the fixed limit, if SIZE gives one (`SIZE 0` or a bare
    /// `SIZE` means no fixed limit).
    pub fn size_limit(&self) -> Option<u64> {
        let value = self.get("SIZE")?.first()?.parse::<u64>().ok()?;
        (value > 0).then_some(value)
    }

    /// RFC 4954: whether AUTH offers `mechanism`.
    pub fn auth_mechanism(&self, mechanism: &str) -> bool {
        self.get("AUTH")
            .is_some_and(|list| list.iter().any(|m| m.eq_ignore_ascii_case(mechanism)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(lines: &[&str]) -> ServerReply {
        ServerReply {
            code: 250,
            enhanced: None,
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            bare_lf: false,
            truncated: false,
        }
    }

    #[test]
    fn reads_keywords_and_parameters() {
        let caps = Capabilities::from_reply(
            &reply(&[
                "mx.example Hello",
                "pipelining",
                "SIZE 10240000",
                "AUTH PLAIN LOGIN",
                "CHUNKING",
            ]),
            true,
        );
        assert_eq!(caps.server_name, "mx.example");
        assert!(caps.pipelining() && caps.chunking());
        assert_eq!(caps.size_limit(), Some(10_240_000));
        assert!(caps.auth_mechanism("plain") && !caps.auth_mechanism("CRAM-MD5"));
        assert!(!caps.has("DSN"));
    }

    #[test]
    fn helo_and_unlimited_size_offer_nothing() {
        let helo = Capabilities::from_reply(&reply(&["mx", "PIPELINING"]), false);
        assert!(!helo.pipelining());
        let unlimited = Capabilities::from_reply(&reply(&["mx", "SIZE"]), true);
        assert!(unlimited.has("SIZE") && unlimited.size_limit().is_none());
    }
}

//! The Received chain of a message read hop by hop (RFC 5321 section
//! 4.4): who handed it to whom, by what protocol, under which queue id,
//! when; oldest hop first, the order the message travelled.

use crate::message::header_fields;

/// One Received field, taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceivedHop {
    /// The name the sending side gave in HELO/EHLO (`from` clause).
    pub helo: Option<String>,
    /// The sender's name as the receiver looked it up (`unknown` when it
    /// has no PTR record).
    pub client_name: Option<String>,
    /// The sender's address.
    pub client_address: Option<String>,
    /// The receiving host (`by` clause).
    pub by: Option<String>,
    /// The protocol (`with`: SMTP, ESMTP, ESMTPA, ESMTPS...; RFC 3848).
    pub protocol: Option<String>,
    /// The receiver's queue id (`id`).
    pub id: Option<String>,
    /// The recipient, when one was named (`for`).
    pub recipient: Option<String>,
    /// When the receiver took it, as written after the `;`.
    pub date: Option<String>,
}

impl ReceivedHop {
    /// Reads one Received value (unfolded); clauses it does not know are
    /// skipped, so other servers' fields read as far as they go.
    pub fn parse(value: &str) -> Self {
        let (clauses, date) = match value.rsplit_once(';') {
            Some((clauses, date)) => (clauses, Some(date.trim().to_owned())),
            None => (value, None),
        };
        let mut hop = Self {
            date: date.filter(|d| !d.is_empty()),
            ..Self::default()
        };
        let tokens = tokens(clauses);
        let mut index = 0;
        while index < tokens.len() {
            let word = tokens[index].as_str();
            let next = tokens.get(index + 1).filter(|t| !t.starts_with('('));
            let field = match word.to_ascii_lowercase().as_str() {
                "from" => &mut hop.helo,
                "by" => &mut hop.by,
                "with" => &mut hop.protocol,
                "id" => &mut hop.id,
                "for" => &mut hop.recipient,
                _ => {
                    if word.starts_with('(') && hop.client_address.is_none() && hop.by.is_none() {
                        hop.read_tcp_info(word);
                    }
                    index += 1;
                    continue;
                }
            };
            if let Some(next) = next {
                *field = Some(next.trim_matches(['<', '>']).to_owned());
                index += 1;
            }
            index += 1;
        }
        hop
    }

    /// `(name [address])` or `([address])` after the `from` name.
    fn read_tcp_info(&mut self, comment: &str) {
        let inner = comment.trim_start_matches('(').trim_end_matches(')');
        let (name, address) = match inner.split_once('[') {
            Some((name, rest)) => (name.trim(), rest.split(']').next()),
            None => (inner.trim(), None),
        };
        if !name.is_empty() {
            self.client_name = Some(name.to_owned());
        }
        self.client_address = address.map(|a| a.trim_start_matches("IPv6:").to_owned());
    }
}

/// Words and whole parenthesised comments.
fn tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for ch in text.chars() {
        match ch {
            '(' => {
                if depth == 0 && !current.is_empty() {
                    tokens.push(core::mem::take(&mut current));
                }
                depth += 1;
                current.push(ch);
            }
            ')' if depth > 0 => {
                depth -= 1;
                current.push(ch);
                if depth == 0 {
                    tokens.push(core::mem::take(&mut current));
                }
            }
            c if c.is_whitespace() && depth == 0 => {
                if !current.is_empty() {
                    tokens.push(core::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Every Received field of a message, oldest hop first.
pub fn received_chain(message: &[u8]) -> Vec<ReceivedHop> {
    let mut hops: Vec<ReceivedHop> = header_fields(message)
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Received"))
        .map(|(_, value)| ReceivedHop::parse(value))
        .collect();
    hops.reverse();
    hops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_apart_clause_by_clause() {
        let ours = ReceivedHop::parse(
            "from relay.isp.example (relay.isp.example [203.0.113.25]) by mail.example.com (smtplab) with ESMTP id BD64A5D9AD for <bob@example.com>; Wed, 02 Dec 2026 19:51:25 +0000",
        );
        assert_eq!(
            ours,
            ReceivedHop {
                helo: Some("relay.isp.example".into()),
                client_name: Some("relay.isp.example".into()),
                client_address: Some("203.0.113.25".into()),
                by: Some("mail.example.com".into()),
                protocol: Some("ESMTP".into()),
                id: Some("BD64A5D9AD".into()),
                recipient: Some("bob@example.com".into()),
                date: Some("Wed, 02 Dec 2026 19:51:25 +0000".into()),
            }
        );
        // Postfix's own shape, with an IPv6 literal and no `for`.
        let postfix = ReceivedHop::parse(
            "from mail.example.org (unknown [IPv6:2001:db8::25]) by mx.example.net (Postfix) with ESMTPS id 4Xy1 ; Tue, 1 Dec 2026 10:00:00 +0100 (CET)",
        );
        assert_eq!(postfix.client_name.as_deref(), Some("unknown"));
        assert_eq!(postfix.client_address.as_deref(), Some("2001:db8::25"));
        assert_eq!(postfix.protocol.as_deref(), Some("ESMTPS"));
        assert_eq!(postfix.recipient, None);
        assert_eq!(
            postfix.date.as_deref(),
            Some("Tue, 1 Dec 2026 10:00:00 +0100 (CET)")
        );
        assert_eq!(ReceivedHop::parse("garbage"), ReceivedHop::default());
    }

    #[test]
    fn the_chain_reads_oldest_first() {
        let message = b"Received: from b (b [192.0.2.2])\r\n\tby c with ESMTP id 3; Wed, 02 Dec 2026 19:51:25 +0000\r\nReceived: from a (a [192.0.2.1]) by b with ESMTPA id 2; Wed, 02 Dec 2026 19:21:25 +0000\r\nSubject: x\r\n\r\nReceived: not a header\r\n";
        let chain = received_chain(message);
        let route: Vec<(Option<&str>, Option<&str>)> = chain
            .iter()
            .map(|h| (h.helo.as_deref(), h.by.as_deref()))
            .collect();
        assert_eq!(route, [(Some("a"), Some("b")), (Some("b"), Some("c"))]);
    }
}

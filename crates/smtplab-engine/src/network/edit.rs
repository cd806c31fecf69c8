//! Changes to the network's DNS while it runs: a [`ZoneEdit`] adds or
//! deletes one record (a zone-file line), in its text form `add LINE` /
//! `delete LINE`, as the classroom's DNS tab, lesson scripts and attempt
//! files write it. An edit that would leave the network invalid (an MX
//! pointing nowhere, a record outside every zone) is refused whole, with
//! the reason, and the network is left as it was.

use core::fmt;

use super::{in_zone, Network, Record, RecordError};

/// One change to the DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneEdit {
    /// Publish this record in the zone its owner belongs to.
    Add(Record),
    /// Withdraw this record (the same owner, type and data; any TTL).
    Delete(Record),
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneEditError {
    /// The text is not `add LINE` or `delete LINE`.
    NotAnEdit(String),
    /// The line is not a record.
    BadRecord(RecordError),
    /// No zone of the network holds the owner name.
    NoZone {
        /// The owner.
        owner: String,
        /// The zones there are.
        zones: Vec<String>,
    },
    /// The record is published already.
    AlreadyThere(String),
    /// There is no such record to delete.
    NotFound(String),
    /// The network would be wrong after the edit.
    Invalid(String),
    /// There is no network here (a lesson with only localhost).
    NoNetwork,
}

impl fmt::Display for ZoneEditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnEdit(text) => write!(
                f,
                "`{text}`: write `add` or `delete`, then a record such as `example.org. 3600 IN TXT \"v=spf1 -all\"`"
            ),
            Self::BadRecord(error) => write!(f, "not a record: {error}"),
            Self::NoZone { owner, zones } => write!(
                f,
                "no zone of this network holds `{owner}`: the zones are {}",
                zones.join(", ")
            ),
            Self::AlreadyThere(line) => write!(f, "`{line}` is published already"),
            Self::NotFound(line) => write!(f, "there is no record `{line}` to delete"),
            Self::Invalid(reason) => write!(f, "the network would be wrong: {reason}"),
            Self::NoNetwork => f.write_str("there is no network here, so no DNS to change"),
        }
    }
}

impl std::error::Error for ZoneEditError {}

impl ZoneEdit {
    /// The record added or deleted.
    pub fn record(&self) -> &Record {
        match self {
            Self::Add(record) | Self::Delete(record) => record,
        }
    }
}

impl fmt::Display for ZoneEdit {
    /// `add LINE` or `delete LINE`; [`str::parse`] reads it back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Add(record) => write!(f, "add {record}"),
            Self::Delete(record) => write!(f, "delete {record}"),
        }
    }
}

impl core::str::FromStr for ZoneEdit {
    type Err = ZoneEditError;

    fn from_str(text: &str) -> Result<Self, ZoneEditError> {
        let text = text.trim();
        let (verb, line) = text.split_once([' ', '\t']).unwrap_or((text, ""));
        let record = || line.parse::<Record>().map_err(ZoneEditError::BadRecord);
        match verb {
            "add" => Ok(Self::Add(record()?)),
            "delete" => Ok(Self::Delete(record()?)),
            _ => Err(ZoneEditError::NotAnEdit(text.to_owned())),
        }
    }
}

/// Whether two records say the same thing (the TTL aside).
fn same(a: &Record, b: &Record) -> bool {
    a.name == b.name && a.data == b.data
}

impl Network {
    /// Applies `edit`, or leaves the network unchanged and says why not.
    pub fn apply_edit(&mut self, edit: &ZoneEdit) -> Result<(), ZoneEditError> {
        let mut changed = self.clone();
        changed.apply_unchecked(edit)?;
        changed
            .validate()
            .map_err(|error| ZoneEditError::Invalid(error.problem.to_string()))?;
        *self = changed;
        Ok(())
    }

    fn apply_unchecked(&mut self, edit: &ZoneEdit) -> Result<(), ZoneEditError> {
        let record = edit.record();
        let zones: Vec<String> = self.domains.iter().map(|d| d.name.clone()).collect();
        // The most specific zone holding the owner, as `zone_of` finds it.
        let zone = self
            .domains
            .iter_mut()
            .filter(|d| in_zone(&record.name, &super::normalize_name(&d.name)))
            .max_by_key(|d| d.name.len())
            .ok_or_else(|| ZoneEditError::NoZone {
                owner: record.name.clone(),
                zones,
            })?;
        let found = zone.records.iter().position(|r| same(r, record));
        match (edit, found) {
            (ZoneEdit::Add(_), Some(_)) => Err(ZoneEditError::AlreadyThere(record.to_string())),
            (ZoneEdit::Add(_), None) => {
                zone.records.push(record.clone());
                Ok(())
            }
            (ZoneEdit::Delete(_), Some(at)) => {
                zone.records.remove(at);
                Ok(())
            }
            (ZoneEdit::Delete(_), None) => Err(ZoneEditError::NotFound(record.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{dns, RecordType};

    const SPF: &str = "example.org. 3600 IN TXT \"v=spf1 mx -all\"";

    fn edit(text: &str) -> ZoneEdit {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn txt(network: &Network, name: &str) -> Vec<String> {
        dns::lookup(network, name, RecordType::Txt)
            .answers
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_text_form_reads_back() {
        for text in [format!("add {SPF}"), format!("delete {SPF}")] {
            assert_eq!(edit(&text).to_string(), text);
        }
        assert!(matches!(
            "publish x. TXT a".parse::<ZoneEdit>(),
            Err(ZoneEditError::NotAnEdit(_))
        ));
        assert!(matches!(
            "add example.org. IN TXT".parse::<ZoneEdit>(),
            Err(ZoneEditError::BadRecord(_))
        ));
        assert!(matches!(
            "".parse::<ZoneEdit>(),
            Err(ZoneEditError::NotAnEdit(_))
        ));
    }

    #[test]
    fn a_replaced_spf_record_is_what_dns_answers() {
        let mut network = Network::default();
        network.apply_edit(&edit(&format!("delete {SPF}"))).unwrap();
        assert!(txt(&network, "example.org").is_empty());
        network
            .apply_edit(&edit(
                "add example.org. 300 IN TXT \"v=spf1 ip4:192.0.2.1 -all\"",
            ))
            .unwrap();
        let answers = txt(&network, "example.org");
        assert_eq!(answers.len(), 1);
        assert!(
            answers[0].contains("v=spf1 ip4:192.0.2.1 -all"),
            "{answers:?}"
        );
    }

    #[test]
    fn refused_edits_say_why_and_change_nothing() {
        let mut network = Network::default();
        let before = network.clone();
        let cases = [
            (format!("add {SPF}"), "is published already"),
            (
                "delete example.org. 3600 IN TXT \"v=spf1 -all\"".to_owned(),
                "there is no record",
            ),
            (
                "add shop.test. 3600 IN A 192.0.2.9".to_owned(),
                "no zone of this network holds `shop.test`",
            ),
            (
                "add example.org. 3600 IN MX 5 nowhere.example.org.".to_owned(),
                "which has no A or AAAA record",
            ),
            (
                "delete mx2.example.org. 3600 IN A 198.51.100.20".to_owned(),
                "the network would be wrong",
            ),
        ];
        for (text, wording) in cases {
            let error = network.apply_edit(&edit(&text)).unwrap_err().to_string();
            assert!(error.contains(wording), "{text}: {error}");
            assert_eq!(network, before, "{text}");
        }
    }

    #[test]
    fn delete_ignores_the_ttl_and_picks_the_most_specific_zone() {
        let mut network = Network::default();
        network
            .apply_edit(&edit("delete example.org. 60 IN TXT \"v=spf1 mx -all\""))
            .unwrap();
        network
            .apply_edit(&edit(
                "add 9.113.0.203.in-addr.arpa. 3600 IN PTR shop.isp.example.",
            ))
            .unwrap();
        let reverse = network.zone_of("9.113.0.203.in-addr.arpa").unwrap();
        assert_eq!(reverse.name, "113.0.203.in-addr.arpa");
        assert!(reverse.records.iter().any(|r| r.name.starts_with("9.")));
    }
}

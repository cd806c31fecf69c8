//! RFC 7208's check_host(): a record's directives tried left to right
//! against the DNS, with the limits of section 4.6.4 counted as it goes.

use core::net::IpAddr;

use super::macros::{MacroString, MacroUse, MacroValues};
use super::record::{in_network, is_spf_record, DualCidr, Mechanism, Qualifier, SpfRecord};
use super::SpfResult;
use crate::resolver::Resolver;

/// RFC 7208 section 4.6.4: at most 10 terms that query the DNS.
pub const MAX_DNS_LOOKUPS: u32 = 10;
/// RFC 7208 section 4.6.4: at most 2 lookups that find nothing.
pub const MAX_VOID_LOOKUPS: u32 = 2;
/// RFC 7208 section 4.6.4: an `mx` with more names is a permerror, and a
/// `ptr` or `%{p}` looks at no more names than this.
pub const MAX_NAMES_PER_LOOKUP: usize = 10;

/// Why evaluation stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Abort {
    /// A DNS query got no answer (temperror).
    Temporary(String),
    /// The records are broken or over the limits (permerror).
    Permanent(String),
}

/// What one check_host() decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// pass, fail, softfail, neutral or none.
    pub result: SpfResult,
    /// The domain whose record decided.
    pub domain: String,
    /// That record, when there was one.
    pub record: Option<String>,
    /// The directive that matched, as written (`None`: nothing matched).
    pub matched: Option<String>,
    /// A fail's explanation from `exp=`.
    pub explanation: Option<String>,
}

/// One evaluation's state: who connects, and the lookups spent so far.
#[derive(Debug)]
pub struct Evaluator<'a, R: Resolver + ?Sized> {
    resolver: &'a R,
    ip: IpAddr,
    sender: &'a str,
    helo: &'a str,
    validated_name: Option<String>,
    /// Terms that queried the DNS.
    pub lookups: u32,
    /// Lookups that found nothing.
    pub voids: u32,
}

impl<'a, R: Resolver + ?Sized> Evaluator<'a, R> {
    /// An evaluation for a client; IPv4-mapped IPv6 addresses are taken
    /// as the IPv4 address they carry (RFC 7208 section 5).
    pub fn new(resolver: &'a R, ip: IpAddr, sender: &'a str, helo: &'a str) -> Self {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        };
        Self {
            resolver,
            ip,
            sender,
            helo,
            validated_name: None,
            lookups: 0,
            voids: 0,
        }
    }

    /// check_host(ip, domain, sender).
    pub fn check_host(&mut self, domain: &str) -> Result<Checked, Abort> {
        let domain = domain
            .strip_suffix('.')
            .unwrap_or(domain)
            .to_ascii_lowercase();
        let none = Checked {
            result: SpfResult::None,
            domain: domain.clone(),
            record: None,
            matched: None,
            explanation: None,
        };
        if !is_checkable_domain(&domain) {
            return Ok(none);
        }
        let Some(text) = self.find_record(&domain)? else {
            return Ok(none);
        };
        let record = SpfRecord::parse(&text)
            .map_err(|error| Abort::Permanent(format!("{domain}'s record \"{text}\": {error}")))?;
        for directive in &record.directives {
            if self.matches(&directive.mechanism, &domain)? {
                let result = SpfResult::from(directive.qualifier);
                let explanation = if result == SpfResult::Fail {
                    self.explanation(&record, &domain)
                } else {
                    None
                };
                return Ok(Checked {
                    result,
                    domain,
                    record: Some(text),
                    matched: Some(directive.text.clone()),
                    explanation,
                });
            }
        }
        match &record.redirect {
            Some(redirect) => self.follow_redirect(redirect, &domain),
            None => Ok(Checked {
                result: SpfResult::Neutral,
                record: Some(text),
                ..none
            }),
        }
    }

    /// The one SPF record among the domain's TXT records.
    fn find_record(&mut self, domain: &str) -> Result<Option<String>, Abort> {
        let texts = self
            .resolver
            .txt(domain)
            .map_err(|failure| Abort::Temporary(failure.to_string()))?;
        let mut records = texts.into_iter().filter(|text| is_spf_record(text));
        let first = records.next();
        let extra = records.count();
        if extra > 0 {
            return Err(Abort::Permanent(format!(
                "{domain} publishes {} SPF records; RFC 7208 allows one",
                extra + 1
            )));
        }
        Ok(first)
    }

    fn follow_redirect(&mut self, redirect: &MacroString, domain: &str) -> Result<Checked, Abort> {
        self.count_lookup()?;
        let target = self.expand(redirect, domain);
        let inner = self.check_host(&target)?;
        if inner.result == SpfResult::None {
            return Err(Abort::Permanent(format!(
                "redirect={target}: {target} has no SPF record"
            )));
        }
        Ok(inner)
    }

    fn matches(&mut self, mechanism: &Mechanism, domain: &str) -> Result<bool, Abort> {
        if mechanism.queries_dns() {
            self.count_lookup()?;
        }
        match mechanism {
            Mechanism::All => Ok(true),
            Mechanism::Ip4(network, length) => Ok(in_network(self.ip, (*network).into(), *length)),
            Mechanism::Ip6(network, length) => Ok(in_network(self.ip, (*network).into(), *length)),
            Mechanism::Include(spec) => self.include(spec, domain),
            Mechanism::A(spec, cidr) => {
                let target = self.target(spec.as_ref(), domain);
                let found = self.addresses(&target, self.ip.is_ipv6())?;
                self.note_void(found.is_empty())?;
                Ok(found.iter().any(|a| self.in_cidr(*a, *cidr)))
            }
            Mechanism::Mx(spec, cidr) => {
                let target = self.target(spec.as_ref(), domain);
                self.mx(&target, *cidr)
            }
            Mechanism::Ptr(spec) => {
                let target = self.target(spec.as_ref(), domain);
                Ok(self.ptr_matches(&target))
            }
            Mechanism::Exists(spec) => {
                let target = self.expand(spec, domain);
                // Always an A query, whatever the client's family (section 5.7).
                let found = self.addresses(&target, false)?;
                self.note_void(found.is_empty())?;
                Ok(!found.is_empty())
            }
        }
    }

    fn include(&mut self, spec: &MacroString, domain: &str) -> Result<bool, Abort> {
        let target = self.expand(spec, domain);
        let inner = self.check_host(&target)?;
        match inner.result {
            SpfResult::Pass => Ok(true),
            SpfResult::None => Err(Abort::Permanent(format!(
                "include:{target}: {target} has no SPF record"
            ))),
            _ => Ok(false),
        }
    }

    fn mx(&mut self, target: &str, cidr: DualCidr) -> Result<bool, Abort> {
        let names = self
            .resolver
            .exchangers(target)
            .map_err(|failure| Abort::Temporary(failure.to_string()))?;
        self.note_void(names.is_empty())?;
        if names.len() > MAX_NAMES_PER_LOOKUP {
            return Err(Abort::Permanent(format!(
                "mx:{target} has {} MX hosts; at most {MAX_NAMES_PER_LOOKUP} may be looked up",
                names.len()
            )));
        }
        for name in names {
            let found = self.addresses(&name, self.ip.is_ipv6())?;
            if found.iter().any(|a| self.in_cidr(*a, cidr)) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The client's reverse names that lead back to its address (RFC 7208
    /// section 5.5): the first 10 PTR names, each checked forward; DNS
    /// errors only drop names.
    fn validated_names(&self) -> Vec<String> {
        let names = self.resolver.pointers(self.ip).unwrap_or_default();
        names
            .into_iter()
            .take(MAX_NAMES_PER_LOOKUP)
            .filter(|name| {
                self.resolver
                    .addresses(name, self.ip.is_ipv6())
                    .is_ok_and(|found| found.contains(&self.ip))
            })
            .collect()
    }

    fn ptr_matches(&self, target: &str) -> bool {
        let target = target.to_ascii_lowercase();
        self.validated_names()
            .iter()
            .any(|name| is_same_or_below(name, &target))
    }

    fn addresses(&self, name: &str, ipv6: bool) -> Result<Vec<IpAddr>, Abort> {
        self.resolver
            .addresses(name, ipv6)
            .map_err(|failure| Abort::Temporary(failure.to_string()))
    }

    fn in_cidr(&self, address: IpAddr, cidr: DualCidr) -> bool {
        let length = if address.is_ipv4() { cidr.v4 } else { cidr.v6 };
        in_network(self.ip, address, length)
    }

    fn count_lookup(&mut self) -> Result<(), Abort> {
        self.lookups += 1;
        if self.lookups > MAX_DNS_LOOKUPS {
            return Err(Abort::Permanent(format!(
                "the records need more than {MAX_DNS_LOOKUPS} DNS lookups (RFC 7208 section 4.6.4)"
            )));
        }
        Ok(())
    }

    fn note_void(&mut self, void: bool) -> Result<(), Abort> {
        if void {
            self.voids += 1;
        }
        if self.voids > MAX_VOID_LOOKUPS {
            return Err(Abort::Permanent(format!(
                "more than {MAX_VOID_LOOKUPS} lookups found nothing (RFC 7208 section 4.6.4)"
            )));
        }
        Ok(())
    }

    fn target(&mut self, spec: Option<&MacroString>, domain: &str) -> String {
        match spec {
            Some(spec) => self.expand(spec, domain),
            None => domain.to_owned(),
        }
    }

    fn expand(&mut self, spec: &MacroString, domain: &str) -> String {
        self.expand_with(spec, domain, true)
    }

    fn expand_with(&mut self, spec: &MacroString, domain: &str, as_domain: bool) -> String {
        if spec.uses('p') && self.validated_name.is_none() {
            let names = self.validated_names();
            let preferred = names
                .iter()
                .find(|name| is_same_or_below(name, domain))
                .or(names.first());
            self.validated_name = Some(preferred.map_or("unknown".into(), Clone::clone));
        }
        let values = MacroValues {
            sender: self.sender,
            domain,
            ip: self.ip,
            helo: self.helo,
            validated_name: self.validated_name.as_deref().unwrap_or("unknown"),
            receiver: "unknown",
            timestamp: 0,
        };
        if as_domain {
            spec.expand_domain(&values)
        } else {
            spec.expand(&values)
        }
    }

    /// The `exp=` text for a fail; any problem just means no explanation
    /// (RFC 7208 section 6.2), and its lookup is not counted.
    fn explanation(&mut self, record: &SpfRecord, domain: &str) -> Option<String> {
        let spec = record.explanation.as_ref()?;
        let target = self.expand(spec, domain);
        let texts = self.resolver.txt(&target).ok()?;
        let [text] = texts.as_slice() else {
            return None;
        };
        let template = MacroString::parse(text, MacroUse::Explanation).ok()?;
        Some(self.expand_with(&template, domain, false))
    }
}

impl From<Qualifier> for SpfResult {
    fn from(qualifier: Qualifier) -> Self {
        match qualifier {
            Qualifier::Pass => Self::Pass,
            Qualifier::Fail => Self::Fail,
            Qualifier::SoftFail => Self::SoftFail,
            Qualifier::Neutral => Self::Neutral,
        }
    }
}

/// Whether `name` is `domain` or a name below it (any case).
fn is_same_or_below(name: &str, domain: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let domain = domain.to_ascii_lowercase();
    name == domain || name.ends_with(&format!(".{domain}"))
}

/// RFC 7208 section 4.3: a domain check_host() can ask about: ASCII labels
/// of 1 to 63 octets, at least two of them, 253 characters in all.
fn is_checkable_domain(domain: &str) -> bool {
    domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            (1..=63).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_graphic())
        })
}

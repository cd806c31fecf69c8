//! A network description read through the settings reader, so a lesson
//! pack or a `serve --world` file can carry one: unknown keys refused and
//! every error named by its field path, each host's profile a patch over
//! a preset and its world a patch over an empty world, records as
//! zone-file lines; the description is checked as a whole afterwards.

use core::net::IpAddr;

use super::{apply_settings_reader, Expected, PatchError, PatchValue, Reader};
use crate::network::{
    Availability, ClientHost, Domain, Forward, Host, Login, Network, NetworkError, Record,
    SMTP_PORT,
};
use crate::profile::Profile;
use crate::world::World;
use crate::Settings;

/// Why a network description could not be loaded, with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkLoadError {
    /// A field is unknown, missing or of the wrong kind.
    #[error(transparent)]
    Patch(#[from] PatchError),
    /// The description reads, but does not work (a dangling MX, a loop, a
    /// host without postmaster...).
    #[error(transparent)]
    Invalid(NetworkError),
}

impl NetworkLoadError {
    /// The field at fault, as a path (`network.hosts[1].world`).
    pub fn field(&self) -> &str {
        match self {
            Self::Patch(error) => &error.field,
            Self::Invalid(error) => &error.field,
        }
    }
}

/// Words `availability` takes, in the order of [`Availability`].
const AVAILABILITIES: &[&str] = &["up", "refusing", "unreachable"];
/// Highest TCP port.
const MAX_PORT: u64 = u16::MAX as u64;

/// Reads a whole network description (`{ domains, hosts, client }`) and
/// checks it. `path` names it in errors (`network`, or empty).
pub fn read_network<V: PatchValue>(value: V, path: &str) -> Result<Network, NetworkLoadError> {
    let mut reader = Reader::new(value, path.to_owned());
    let network = if reader.value.is_object() {
        network(&mut reader)
    } else {
        let got = reader.value.describe();
        reader.fail_with("", Expected::Object, Some(got));
        None
    };
    reader.finish()?;
    let network = network.ok_or_else(|| missing(path, "client"))?;
    network.validate().map_err(|error| {
        NetworkLoadError::Invalid(NetworkError {
            field: join(path, &error.field),
            problem: error.problem,
        })
    })?;
    Ok(network)
}

/// Lays a settings patch over `settings` as [`super::apply_settings`]
/// does, with one more key: `network`, a description read (and checked)
/// by [`read_network`], returned when present.
pub fn apply_settings_with_network<V: PatchValue>(
    settings: &mut Settings,
    patch: V,
    path: &str,
) -> Result<Option<Network>, NetworkLoadError> {
    let mut description = None;
    apply_settings_reader(settings, patch, path, &mut |o| {
        description = o.get("network");
    })?;
    description
        .map(|value| read_network(value, &join(path, "network")))
        .transpose()
}

fn join(path: &str, field: &str) -> String {
    match (path.is_empty(), field.is_empty()) {
        (true, _) => field.to_owned(),
        (_, true) => path.to_owned(),
        _ => format!("{path}.{field}"),
    }
}

fn missing(path: &str, field: &str) -> NetworkLoadError {
    NetworkLoadError::Patch(PatchError {
        field: join(path, field),
        problem: super::PatchProblem::Missing(Expected::Object),
    })
}

/// The description's fields; `None` if the client is missing (reported).
fn network<V: PatchValue>(o: &mut Reader<V>) -> Option<Network> {
    let mut domains = Vec::new();
    let mut hosts = Vec::new();
    o.list("domains", &mut domains, domain);
    o.list("hosts", &mut hosts, host);
    let client = o.required("client", Expected::Object)?;
    let mut client = Reader::new(client, o.child_path("client"));
    let read = client_host(&mut client);
    o.adopt(client);
    Some(Network {
        domains,
        hosts,
        client: read?,
    })
}

fn domain<V: PatchValue>(o: &mut Reader<V>) -> Domain {
    let name = o.required_text("name");
    let organisation = o.optional_text("organisation").unwrap_or_default();
    let mut records = Vec::new();
    o.list("records", &mut records, record);
    Domain {
        name,
        organisation,
        records: records.into_iter().flatten().collect(),
    }
}

/// A list element that is a zone-file line.
fn record<V: PatchValue>(o: &mut Reader<V>) -> Option<Record> {
    let line = o.itself();
    let parsed = line.parse::<Record>();
    if let Err(error) = &parsed {
        let got = format!("\"{line}\" ({error})");
        o.fail_with("", Expected::ZoneLine, Some(got));
    }
    parsed.ok()
}

/// A list element that is an IPv4 or IPv6 address.
fn address<V: PatchValue>(o: &mut Reader<V>) -> Option<IpAddr> {
    let parsed = o.value.as_text().and_then(|text| text.parse().ok());
    if parsed.is_none() {
        let got = o.value.describe();
        o.fail_with("", Expected::Address, Some(got));
    }
    parsed
}

/// Field `name`, which must be an address.
fn required_address<V: PatchValue>(o: &mut Reader<V>, name: &'static str) -> Option<IpAddr> {
    let value = o.required(name, Expected::Address)?;
    let parsed = value.as_text().and_then(|text| text.parse().ok());
    if parsed.is_none() {
        o.fail(name, Expected::Address, Some(&value));
    }
    parsed
}

/// A list element that is a port number.
fn port<V: PatchValue>(o: &mut Reader<V>) -> Option<u16> {
    let port = o
        .value
        .as_whole(MAX_PORT)
        .and_then(|n| u16::try_from(n).ok());
    if port.is_none() {
        let got = o.value.describe();
        o.fail_with("", Expected::Whole(MAX_PORT), Some(got));
    }
    port
}

fn host<V: PatchValue>(o: &mut Reader<V>) -> Host {
    let name = o.required_text("name");
    let mut addresses = Vec::new();
    if o.required("addresses", Expected::List).is_some() {
        o.list("addresses", &mut addresses, address);
    }
    let addresses = addresses.into_iter().flatten().collect();
    let organisation = o.optional_text("organisation").unwrap_or_default();
    let availability = match o.choice("availability", AVAILABILITIES) {
        Some(1) => Availability::Refusing,
        Some(2) => Availability::Unreachable,
        _ => Availability::Up,
    };
    let mut ports = vec![Some(SMTP_PORT)];
    o.list("ports", &mut ports, port);
    let ports = ports.into_iter().flatten().collect();
    let mut relay_domains = Vec::new();
    o.list("relay_domains", &mut relay_domains, Reader::itself);
    let smarthost = o.optional_text("smarthost");
    let smarthost_login = login(o);
    let mut forwards = Vec::new();
    o.list("forwards", &mut forwards, forward);
    let (profile, world) = host_settings(o);
    Host {
        name,
        addresses,
        organisation,
        availability,
        ports,
        relay_domains,
        smarthost,
        smarthost_login,
        forwards,
        profile,
        world,
    }
}

/// One of `forwards`: `{ user, to, footer }`.
fn forward<V: PatchValue>(o: &mut Reader<V>) -> Forward {
    Forward {
        user: o.required_text("user"),
        to: o.required_text("to"),
        footer: o.optional_text("footer"),
    }
}

/// `smarthost_login`: `{ user, password }`, or absent or `null`.
fn login<V: PatchValue>(o: &mut Reader<V>) -> Option<Login> {
    let value = o.get("smarthost_login").filter(|v| !v.is_null())?;
    if !value.is_object() {
        o.fail("smarthost_login", Expected::Object, Some(&value));
        return None;
    }
    let mut nested = Reader::new(value, o.child_path("smarthost_login"));
    let login = Login {
        user: nested.required_text("user"),
        password: nested.required_text("password"),
    };
    o.adopt(nested);
    Some(login)
}

/// `preset` (default "default") with `profile` laid over it; `world` laid
/// over an empty world, so a host knows only the people it is given.
fn host_settings<V: PatchValue>(o: &mut Reader<V>) -> (Profile, World) {
    let preset = o
        .choice("preset", &PRESET_NAMES)
        .and_then(|index| PRESET_NAMES.get(index).copied())
        .unwrap_or("default");
    let mut profile = Profile::preset(preset).unwrap_or_default();
    let mut world = World {
        domains: Vec::new(),
        users: Vec::new(),
        aliases: Vec::new(),
        lists: Vec::new(),
    };
    o.object("profile", &mut |o| super::profile(&mut profile, o));
    o.object("world", &mut |o| super::world(&mut world, o));
    (profile, world)
}

/// The presets' names, for `preset` (kept in step with
/// [`crate::profile::PRESETS`] by a test).
const PRESET_NAMES: [&str; 5] = ["default", "strict", "locked-down", "classic", "submission"];

fn client_host<V: PatchValue>(o: &mut Reader<V>) -> Option<ClientHost> {
    let name = o.required_text("name");
    let address = required_address(o, "address");
    let resolver = required_address(o, "resolver");
    let mailbox = o.required_text("mailbox");
    let submission_host = o.required_text("submission_host");
    Some(ClientHost {
        name,
        address: address?,
        resolver: resolver?,
        mailbox,
        submission_host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::PRESETS;

    #[test]
    fn preset_names_follow_the_presets() {
        let names: Vec<&str> = PRESETS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, PRESET_NAMES);
    }
}

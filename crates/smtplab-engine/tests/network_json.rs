//! Network descriptions as JSON (feature `serde`), read through the
//! settings reader: the default network reads back whole, a host's profile
//! is a patch over a preset, every error names its field, and a settings
//! file can carry a network.

#![cfg(feature = "serde")]

use smtplab_engine::network::simulation::Simulation;
use smtplab_engine::network::{Availability, Network, NetworkProblem};
use smtplab_engine::patch::{
    apply_settings_with_network, read_network, NetworkLoadError, Patch, PatchProblem,
};
use smtplab_engine::Settings;

const TINY: &str = r#"{
    "domains": [{"name": "tiny.example", "records": [
        "tiny.example MX 10 mx.tiny.example", "mx.tiny.example A 192.0.2.7"]}],
    "hosts": [{"name": "mx.tiny.example", "addresses": ["192.0.2.7"], "preset": "strict",
        "profile": {"banner": "ESMTP tiny"},
        "world": {"domains": ["tiny.example"], "users": [{"name": "a", "full_name": "A"}],
            "aliases": [{"name": "postmaster", "targets": ["a"]}]}}],
    "client": {"name": "pc.tiny.example", "address": "192.0.2.8", "resolver": "127.0.0.53",
        "mailbox": "a@tiny.example", "submission_host": "mx.tiny.example"}
}"#;

fn patch(json: &str) -> Patch {
    serde_json::from_str(json).expect("JSON")
}

fn load(json: &str) -> Result<Network, NetworkLoadError> {
    read_network(&patch(json), "network")
}

#[test]
fn the_default_network_reads_back_whole() {
    let json = serde_json::to_string(&Network::default()).unwrap();
    assert_eq!(load(&json), Ok(Network::default()));
}

#[test]
fn a_host_is_a_preset_with_a_patch_and_only_the_people_it_is_given() {
    let network = load(TINY).unwrap();
    let host = &network.hosts[0];
    assert!(host.profile.require_helo, "the strict preset");
    assert_eq!(host.profile.banner, "ESMTP tiny");
    assert_eq!(host.ports, [25], "port 25 by default");
    assert_eq!(host.availability, Availability::Up);
    assert_eq!(host.world.users.len(), 1, "no default users");
    let mut sim = Simulation::new(network, 0, 1).unwrap();
    let mut connection = sim.connect("mx.tiny.example", 25).unwrap();
    let greeting = sim.take_outputs(&mut connection);
    assert!(
        matches!(&greeting[0], smtplab_engine::Output::Reply(r) if r.to_wire() == "220 mx.tiny.example ESMTP tiny\r\n"),
        "{greeting:?}"
    );
}

/// Edits of [`TINY`] that break it, and the field each error names.
const BREAKAGES: [(&str, &str, &str); 9] = [
    (r#""preset""#, r#""prest""#, "network.hosts[0].prest"),
    (
        "MX 10 mx.tiny",
        "MX ten mx.tiny",
        "network.domains[0].records[0]",
    ),
    (
        r#"["192.0.2.7"]"#,
        r#"["192.0.2.700"]"#,
        "network.hosts[0].addresses[0]",
    ),
    (
        r#""preset""#,
        r#""ports": [70000], "preset""#,
        "network.hosts[0].ports[0]",
    ),
    (
        r#""preset": "strict""#,
        r#""preset": "lax""#,
        "network.hosts[0].preset",
    ),
    (r#""banner""#, r#""banr""#, "network.hosts[0].profile.banr"),
    (
        r#""preset""#,
        r#""availability": "asleep", "preset""#,
        "network.hosts[0].availability",
    ),
    (
        r#""resolver": "127.0.0.53""#,
        r#""resolver": 53"#,
        "network.client.resolver",
    ),
    (
        r#""submission_host": "mx.tiny.example""#,
        r#""submission_host": "mx.tiny.example", "extra": 1"#,
        "network.client.extra",
    ),
];

#[test]
fn every_error_names_its_field() {
    for (from, to, field) in BREAKAGES {
        let json = TINY.replacen(from, to, 1);
        assert_ne!(json, TINY, "{from}");
        let error = load(&json).unwrap_err();
        assert_eq!(error.field(), field, "{error}");
        assert!(matches!(error, NetworkLoadError::Patch(_)), "{error}");
        assert!(
            error.to_string().starts_with(&format!("{field}: ")),
            "{error}"
        );
    }
    let bad_record = load(&TINY.replacen("MX 10 mx", "MX ten mx", 1)).unwrap_err();
    assert!(
        bad_record.to_string().contains("zone-file line"),
        "{bad_record}"
    );
    let misspelt_required = load(&TINY.replacen(r#""addresses""#, r#""adresses""#, 1));
    assert_eq!(
        misspelt_required.unwrap_err().to_string(),
        "network.hosts[0].addresses: is missing (a list)"
    );
    let no_client = load(r#"{"domains": [], "hosts": []}"#).unwrap_err();
    assert_eq!(no_client.field(), "network.client");
}

#[test]
fn a_description_that_reads_but_cannot_work_is_refused_with_its_field() {
    let dangling = TINY.replacen("MX 10 mx.tiny.example", "MX 10 mx9.tiny.example", 1);
    let error = load(&dangling).unwrap_err();
    assert_eq!(error.field(), "network.domains[0].records[0]");
    assert!(
        matches!(&error, NetworkLoadError::Invalid(e) if e.problem == NetworkProblem::DanglingMx { exchange: "mx9.tiny.example".into() }),
        "{error}"
    );
    let no_postmaster = TINY.replacen(r#""name": "postmaster""#, r#""name": "webmaster""#, 1);
    let error = load(&no_postmaster).unwrap_err();
    assert_eq!(error.field(), "network.hosts[0].world");
    let mut looping = Network::default();
    looping.hosts[0].smarthost = Some("mx2.example.org".into());
    looping.hosts[2].smarthost = Some("smtp.isp.example".into());
    let error = load(&serde_json::to_string(&looping).unwrap()).unwrap_err();
    assert_eq!(error.field(), "network.hosts[0].smarthost");
    assert!(error.to_string().contains("loop"), "{error}");
}

#[test]
fn a_settings_file_can_carry_a_network() {
    let mut settings = Settings::default();
    let file = format!(r#"{{"profile": {{"banner": "hi"}}, "network": {TINY}}}"#);
    let network = apply_settings_with_network(&mut settings, &patch(&file), "").unwrap();
    assert_eq!(settings.profile.banner, "hi");
    assert_eq!(network.map(|n| n.hosts.len()), Some(1));
    let without = apply_settings_with_network(&mut settings, &patch(r#"{"world": {}}"#), "");
    assert_eq!(without, Ok(None));
    let misspelt = apply_settings_with_network(&mut settings, &patch(r#"{"netwerk": {}}"#), "");
    let error = misspelt.unwrap_err();
    assert_eq!(error.field(), "netwerk");
    assert!(matches!(
        error,
        NetworkLoadError::Patch(ref e) if matches!(e.problem, PatchProblem::UnknownSetting { ref known, .. } if known.contains(&"network"))
    ));
    let nested = apply_settings_with_network(
        &mut settings,
        &patch(&file.replacen(r#""preset""#, r#""prest""#, 1)),
        "server",
    );
    assert_eq!(nested.unwrap_err().field(), "server.network.hosts[0].prest");
}

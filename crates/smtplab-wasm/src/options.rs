//! Reads the options object of `new Session(...)`: a preset, a settings
//! patch merged over it, the seed, the clock and the client, each checked
//! with an error that names the option.

use js_sys::Reflect;
use smtplab_engine::profile::PRESETS;
use smtplab_engine::{ClientInfo, Settings};
use wasm_bindgen::JsValue;

use crate::error::Error;
use crate::js::{describe, is_absent, is_plain_object, own_names, whole_number};
use crate::settings;

/// Largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
const MAX_SAFE: f64 = MAX_SAFE_INTEGER as f64;

/// Longest client host name accepted (RFC 1035's 255 octets).
const MAX_HOSTNAME: usize = 255;

const OPTION_NAMES: &[&str] = &["profile", "settings", "seed", "now", "client"];
const CLIENT_NAMES: &[&str] = &["hostname", "ip"];

/// Everything a session starts from.
#[derive(Debug)]
pub(crate) struct Options {
    pub settings: Settings,
    pub seed: u64,
    pub now: u64,
    /// Whether the caller set `now`, and so keeps the clock (see `Clock`).
    pub manual_clock: bool,
    pub client: ClientInfo,
}

/// Reads `new Session(options)`; `undefined` and `null` mean all defaults.
pub(crate) fn parse(options: &JsValue) -> Result<Options, Error> {
    let absent = JsValue::UNDEFINED;
    let options = if is_absent(options) { &absent } else { options };
    if !options.is_undefined() {
        expect_object(options, "options", "{ profile: \"strict\" }")?;
        check_names(options, OPTION_NAMES, "options", "option")?;
    }
    let get = |name: &str| -> JsValue {
        if options.is_undefined() {
            JsValue::UNDEFINED
        } else {
            Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
        }
    };
    let settings = settings(&get("profile"), &get("settings"))?;
    let seed = seed(&get("seed"))?;
    let now = number(&get("now"), "options.now")?;
    Ok(Options {
        settings,
        seed,
        now: unix_seconds(now, "options.now")?,
        manual_clock: now.is_some(),
        client: client(&get("client"))?,
    })
}

/// The preset named by `options.profile`, with `options.settings` over it.
fn settings(profile: &JsValue, patch: &JsValue) -> Result<Settings, Error> {
    let name = if is_absent(profile) {
        "default".to_owned()
    } else {
        profile.as_string().ok_or_else(|| {
            Error::field(
                "options.profile",
                format!(
                    "must be a preset name (a string), got {}",
                    describe(profile)
                ),
            )
        })?
    };
    let mut settings = Settings::preset(&name).ok_or_else(|| {
        let known: Vec<&str> = PRESETS.iter().map(|(name, _)| *name).collect();
        Error::field(
            "options.profile",
            format!("unknown profile `{name}` (known: {})", known.join(", ")),
        )
    })?;
    if !is_absent(patch) {
        expect_object(
            patch,
            "options.settings",
            "{ profile: { vrfy: \"disabled\" } }",
        )?;
        settings::apply(&mut settings, patch, "options.settings")?;
    }
    settings
        .validate()
        .map_err(|message| Error::field("options.settings", message))?;
    Ok(settings)
}

fn seed(seed: &JsValue) -> Result<u64, Error> {
    if is_absent(seed) {
        // Independent sessions get different queue ids, as real servers
        // do; pass a seed (or read `session.seed`) to reproduce one.
        return Ok((js_sys::Math::random() * MAX_SAFE) as u64);
    }
    whole_number(seed, MAX_SAFE_INTEGER).ok_or_else(|| {
        Error::field(
            "options.seed",
            format!(
                "must be a whole number from 0 to {MAX_SAFE_INTEGER}, got {}",
                describe(seed)
            ),
        )
    })
}

/// Reads a `now` argument: Unix seconds (fractions dropped); `None` means
/// the browser's clock.
pub(crate) fn unix_seconds(now: Option<f64>, field: &str) -> Result<u64, Error> {
    let seconds = now.unwrap_or_else(|| js_sys::Date::now() / 1000.0);
    if !(0.0..=MAX_SAFE).contains(&seconds) {
        return Err(Error::field(
            field,
            format!(
                "must be Unix seconds from 0 to {MAX_SAFE_INTEGER}, got {}",
                describe(&JsValue::from_f64(seconds))
            ),
        ));
    }
    Ok(seconds.floor() as u64)
}

fn client(value: &JsValue) -> Result<ClientInfo, Error> {
    let mut client = ClientInfo::default();
    if is_absent(value) {
        return Ok(client);
    }
    expect_object(
        value,
        "options.client",
        "{ hostname: \"client.example\", ip: \"192.0.2.1\" }",
    )?;
    check_names(value, CLIENT_NAMES, "options.client", "field")?;
    let text = |name: &str| -> Result<Option<String>, Error> {
        let field = format!("options.client.{name}");
        let value = Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
        if is_absent(&value) {
            return Ok(None);
        }
        value.as_string().map(Some).ok_or_else(|| {
            Error::field(
                &field,
                format!("must be a string, got {}", describe(&value)),
            )
        })
    };
    if let Some(hostname) = text("hostname")? {
        let bad = hostname.is_empty()
            || hostname.len() > MAX_HOSTNAME
            || hostname
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']'));
        if bad {
            return Err(Error::field(
                "options.client.hostname",
                format!("`{hostname}` is not a host name"),
            ));
        }
        client.hostname = hostname;
    }
    if let Some(ip) = text("ip")? {
        // Digits, hex, dots and colons: enough to keep the Received header
        // well-formed without std's address parser in the bundle.
        let plausible = !ip.is_empty()
            && ip.len() <= 45
            && ip
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':');
        if !plausible {
            return Err(Error::field(
                "options.client.ip",
                format!("`{ip}` is not an IPv4 or IPv6 address"),
            ));
        }
        client.ip = ip;
    }
    Ok(client)
}

/// An optional number: `None` when absent, an error when not a number.
fn number(value: &JsValue, field: &str) -> Result<Option<f64>, Error> {
    if is_absent(value) {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| {
        Error::field(
            field,
            format!("must be Unix seconds (a number), got {}", describe(value)),
        )
    })
}

fn check_names(object: &JsValue, known: &[&str], field: &str, what: &str) -> Result<(), Error> {
    for name in own_names(object) {
        if !known.contains(&name.as_str()) {
            return Err(Error::field(
                field,
                format!("unknown {what} `{name}` (known: {})", known.join(", ")),
            ));
        }
    }
    Ok(())
}

fn expect_object(value: &JsValue, field: &str, example: &str) -> Result<(), Error> {
    if is_plain_object(value) {
        Ok(())
    } else {
        Err(Error::field(
            field,
            format!(
                "must be an object such as {example}, got {}",
                describe(value)
            ),
        ))
    }
}

//! The server policies the settings panel switches one by one (the
//! extensions' switches come from the engine's registry). A leaf module, so
//! the settings panel and share links read one list without importing
//! each other.

use smtplab_engine::profile::{BareLineEnding, ExpnPolicy, VrfyPolicy};
use smtplab_engine::Profile;

/// A switch that is not an extension: id, label, how to read it, how to set it.
pub type PolicyToggle = (
    &'static str,
    &'static str,
    fn(&Profile) -> bool,
    fn(&mut Profile, bool),
);

/// The policies that can be switched one by one. The extensions' switches
/// come from the engine's registry ([`Extension::ALL`]), in EHLO order.
pub const POLICY_TOGGLES: &[PolicyToggle] = &[
    ("ehlo", "EHLO understood", |p| p.ehlo, |p, on| p.ehlo = on),
    (
        "require-helo",
        "HELO/EHLO required first",
        |p| p.require_helo,
        |p, on| p.require_helo = on,
    ),
    (
        "strict-paths",
        "Angle brackets required in paths",
        |p| p.strict_paths,
        |p, on| p.strict_paths = on,
    ),
    (
        "refuse-bare",
        "Refuse bare CR/LF",
        |p| p.bare_line_ending == BareLineEnding::Refuse,
        |p, on| {
            p.bare_line_ending = if on {
                BareLineEnding::Refuse
            } else {
                BareLineEnding::Keep
            }
        },
    ),
    (
        "vrfy",
        "VRFY verifies users",
        |p| p.vrfy == VrfyPolicy::Verify,
        |p, on| {
            p.vrfy = if on {
                VrfyPolicy::Verify
            } else {
                VrfyPolicy::CannotVerify
            }
        },
    ),
    (
        "expn",
        "EXPN allowed",
        |p| p.expn == ExpnPolicy::Expand,
        |p, on| {
            p.expn = if on {
                ExpnPolicy::Expand
            } else {
                ExpnPolicy::Disabled
            }
        },
    ),
    (
        "tls-before-auth",
        "AUTH only after STARTTLS (as submission servers do)",
        |p| p.require_tls_for_auth,
        |p, on| p.require_tls_for_auth = on,
    ),
    (
        "greylist",
        "Greylist first attempts (451)",
        |p| p.faults.greylist,
        |p, on| p.faults.greylist = on,
    ),
];

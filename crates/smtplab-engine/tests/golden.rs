//! The golden transcript: native output must equal the stored bytes (the
//! wasm32 side of the same check runs in crates/smtplab-wasm/tests/api.rs).

#[test]
fn native_output_matches_the_golden_transcript() {
    let produced = smtplab_engine::golden::golden_transcript();
    let stored = include_str!("golden/transcript.txt");
    if produced != stored && std::env::var_os("SMTPLAB_BLESS").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/transcript.txt"),
            &produced,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        produced, stored,
        "engine output changed; rerun with SMTPLAB_BLESS=1 if that was meant"
    );
}

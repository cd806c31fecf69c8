//! Fuzz target: arbitrary input, split where the fuzzer says, explained in
//! pieces; the result must equal explaining it whole, and every input line
//! must come out as exactly one explained line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use smtplab_explain::{explain, Explainer};

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else {
        return;
    };
    let whole = explain(input);
    let mut explainer = Explainer::new();
    let mut lines = Vec::new();
    for piece in input.chunks(usize::from(control).max(1)) {
        lines.extend(explainer.feed(piece));
    }
    let (rest, summary) = explainer.finish();
    lines.extend(rest);
    assert_eq!(lines, whole.lines);
    assert_eq!(summary, whole.summary);
    if !summary.stopped {
        let expected = input.iter().filter(|&&b| b == b'\n').count()
            + usize::from(!input.is_empty() && !input.ends_with(b"\n"));
        assert_eq!(lines.len(), expected);
    }
});

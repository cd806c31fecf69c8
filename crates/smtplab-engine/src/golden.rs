//! A fixed conversation whose every output byte is compared, natively and
//! in wasm32, with one stored transcript: the proof that the same input,
//! clock and seed give byte-identical output on both.

use crate::{ClientInfo, Event, Output, Session, Settings, Transcript};

/// The seed article's session, then a full EHLO session with AUTH and
/// pipelining, at a fixed time with a fixed seed.
pub fn golden_transcript() -> String {
    const NOW: u64 = 1_795_920_331;
    let script: &[&[u8]] = &[
        b"mail from:alice@example.com\r\nrcpt to:bob@example.com\r\ndata\r\nHi, Bob!\r\n        This is test email!\r\n.\r\n",
        b"EHLO client.example\r\nAUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n",
        b"MAIL FROM:<alice@example.com> SIZE=100\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<friend@example.org>\r\nRCPT TO:<nobody@example.com>\r\nDATA\r\n",
        b"Subject: golden\r\n\r\n..dot-stuffed\r\n.\r\nVRFY carol\r\nEXPN team\r\nHELP DATA\r\nQUIT\r\n",
    ];
    let mut session = Session::new(Settings::default(), ClientInfo::default(), 7, NOW);
    let mut transcript = Transcript::default();
    let mut stored = String::new();
    let mut record = |session: &mut Session, transcript: &mut Transcript| {
        for output in session.drain_outputs() {
            match output {
                Output::Reply(reply) => transcript.server(&reply),
                Output::Event(Event::Delivered(delivery)) => {
                    stored.push_str(&delivery.message);
                    stored.push_str("\r\n--\r\n");
                }
                _ => {}
            }
        }
    };
    record(&mut session, &mut transcript);
    for chunk in script {
        transcript.client(chunk);
        session.feed(chunk, NOW);
        record(&mut session, &mut transcript);
    }
    format!("{}\n== stored ==\n{stored}", transcript.render(true))
}

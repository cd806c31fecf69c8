//! Guided sessions for step-through mode: the seed article's telnet session
//! and a full EHLO session, each step a line to send and a note.

/// One step of a guided session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// What is typed (several lines for message content).
    pub input: &'static str,
    /// Why this step, in a sentence.
    pub note: &'static str,
}

/// A guided session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guide {
    /// Short id, used in URLs.
    pub id: &'static str,
    /// Title shown to the learner.
    pub title: &'static str,
    /// The server profile it runs against.
    pub profile: &'static str,
    /// The steps, in order.
    pub steps: &'static [Step],
}

/// Every guided session, the seed article's first.
pub const GUIDES: &[Guide] = &[
    Guide {
        id: "seed",
        title: "The classic telnet session (from the seed article)",
        profile: "default",
        steps: &[
            Step { input: "telnet localhost smtp", note: "Open a TCP connection to the mail server on this machine, port 25 (\"smtp\"). The server speaks first." },
            Step { input: "mail from:alice@example.com", note: "Say who the message is from (the envelope sender). This lenient server does not insist on HELO first." },
            Step { input: "rcpt to:bob@example.com", note: "Name a recipient. The server checks that bob exists here." },
            Step { input: "data", note: "Ask to send the message itself. The server answers 354 and reads lines until a lone dot." },
            Step { input: "Hi, Bob!\n        This is test email!\n.", note: "The message, then a line with only a dot to end it. The server queues it for bob." },
            Step { input: "quit", note: "Say goodbye; the server closes the connection." },
        ],
    },
    Guide {
        id: "ehlo",
        title: "A full EHLO session with headers and a refused recipient",
        profile: "default",
        steps: &[
            Step { input: "telnet localhost smtp", note: "Connect; wait for the 220 greeting." },
            Step { input: "EHLO client.example", note: "Introduce yourself with EHLO: the reply lists the extensions this server offers." },
            Step { input: "MAIL FROM:<alice@example.com>", note: "The envelope sender, in angle brackets as RFC 5321 writes it." },
            Step { input: "RCPT TO:<bob@example.com>", note: "A first recipient: accepted." },
            Step { input: "RCPT TO:<nobody@example.com>", note: "A recipient who does not exist: refused with 550, but the transaction goes on." },
            Step { input: "DATA", note: "Start the message: 354 means go ahead." },
            Step { input: "From: Alice <alice@example.com>\nTo: Bob <bob@example.com>\nSubject: Lunch\n\nNoon at the usual place?\n.", note: "Headers, an empty line, the body, then the lone dot. The headers are part of the message, not the envelope." },
            Step { input: "QUIT", note: "Close the session politely." },
        ],
    },
];

/// A guide by id.
pub fn guide(id: &str) -> Option<&'static Guide> {
    GUIDES.iter().find(|g| g.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;
    use smtplab_engine::Settings;

    #[test]
    fn every_guide_runs_to_a_delivered_message_and_a_clean_quit() {
        for guide in GUIDES {
            let settings = Settings::preset(guide.profile).unwrap();
            let script: Vec<String> = guide.steps.iter().map(|s| s.input.to_owned()).collect();
            let lab = Lab::replay(guide.profile, settings, &script, 0);
            assert_eq!(lab.mailstore.mailbox("bob").count(), 1, "{}", guide.id);
            assert_eq!(
                lab.lines.last().unwrap().text,
                "Connection closed by foreign host.",
                "{}",
                guide.id
            );
        }
    }
}

//! Nothing panics, whatever the records and messages hold: the parsers and
//! the whole evaluation fed arbitrary text and bytes.

mod common;

use proptest::prelude::*;
use smtplab_mailauth::dkim::{verify_all, DkimSignature, KeyRecord};
use smtplab_mailauth::dmarc::DmarcRecord;
use smtplab_mailauth::evaluate;
use smtplab_mailauth::message::Message;
use smtplab_mailauth::spf::{check_mail_from, SpfRecord};
use smtplab_mailauth::tags::TagList;

/// Text made of the characters records are built from, so the parsers
/// get past their first checks often.
fn record_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z0-9:/.%{}=;+~?_ -]{0,60}").unwrap()
}

proptest! {
    #[test]
    fn spf_records_never_panic(body in record_text(), raw in ".{0,80}") {
        let _ = SpfRecord::parse(&format!("v=spf1 {body}"));
        let _ = SpfRecord::parse(&raw);
    }

    #[test]
    fn spf_evaluation_never_panics(body in record_text(), sender in "[a-z@.%-]{0,20}") {
        let net = common::network(&["example.com. A 192.0.2.10"]);
        let mut net = net;
        if let Ok(record) = format!("example.com. TXT \"v=spf1 {body}\"").parse() {
            net.domains[0].records.push(record);
        }
        let ip = "192.0.2.10".parse().unwrap();
        let _ = check_mail_from(&net, ip, "h.example.com", &format!("{sender}@example.com"));
    }

    #[test]
    fn tag_lists_and_records_never_panic(text in ".{0,120}", tags in record_text()) {
        for input in [&text, &tags] {
            let _ = TagList::parse(input);
            let _ = DkimSignature::parse(input);
            let _ = KeyRecord::parse(input);
            let _ = DmarcRecord::parse(input);
        }
    }

    #[test]
    fn messages_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Message::parse(&bytes);
        let net = smtplab_engine::network::Network::default();
        let _ = verify_all(&net, &bytes);
        let ip = "203.0.113.10".parse().unwrap();
        let report = evaluate(&net, ip, "smtp.isp.example", "you@isp.example", &bytes);
        let _ = report.headers_to_add("mx1.example.org");
        let _ = report.explanations();
    }

    #[test]
    fn signature_like_fields_never_panic(tags in record_text(), body in ".{0,40}") {
        let message = format!("DKIM-Signature: v=1; a=rsa-sha256; d=isp.example; s=rsa2026; {tags}\r\nFrom: a@isp.example\r\n\r\n{body}");
        let _ = verify_all(&smtplab_engine::network::Network::default(), message.as_bytes());
    }
}

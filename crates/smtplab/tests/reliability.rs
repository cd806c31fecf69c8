//! `smtplab serve` when things go wrong around it: saves that fail, save
//! folders with traps planted in them, line ends split across reads,
//! control characters in client and student text, clients that trickle,
//! and many large messages at once.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{scratch, Client, Server, PATIENCE};
use smtplab_engine::{ClientInfo, Event, Output, Session, Settings};

/// The queue id the engine gives the first message of a session with `seed`.
fn first_queue_id(seed: u64) -> String {
    let mut session = Session::new(
        Settings::preset("default").unwrap(),
        ClientInfo::default(),
        seed,
        0,
    );
    session.feed(
        b"MAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n.\r\n",
        0,
    );
    let id = session.drain_outputs().find_map(|output| match output {
        Output::Event(Event::Delivered(delivery)) => Some(delivery.queue_id),
        _ => None,
    });
    id.expect("a delivery")
}

/// Greets, opens a transaction and sends `body` as the message; the reply
/// to the end of data.
fn send_message(client: &mut Client, body: &str) -> String {
    assert!(client.command("EHLO client.example").starts_with("250-"));
    assert_eq!(
        client.command("MAIL FROM:<alice@example.com>"),
        "250 2.1.0 Ok\r\n"
    );
    assert_eq!(
        client.command("RCPT TO:<bob@example.com>"),
        "250 2.1.5 Ok\r\n"
    );
    assert!(client.command("DATA").starts_with("354 "));
    client.command(&format!("{body}\r\n."))
}

/// Every file name in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_removed_save_folder_answers_451_and_the_retry_is_saved() {
    let server = Server::start("save_folder_removed", &[]);
    std::fs::remove_dir_all(&server.save_dir).unwrap();
    let mut client = Client::greeted(server.addr);
    assert_eq!(
        send_message(&mut client, "Subject: lost?\r\n\r\nnot if it is refused"),
        "451 4.3.0 Error: queue file write error\r\n"
    );
    let line = server.wait_for_log("#1 not saved");
    assert!(line.contains("answered 451"), "{line}");
    assert!(line.contains("No such file or directory"), "{line}");
    assert!(!server.log().join("\n").contains("#1 delivered"));

    // The client retries (RFC 5321 4.2.5: nothing was accepted), in the
    // same session, once the folder is back.
    std::fs::create_dir_all(&server.save_dir).unwrap();
    assert_eq!(
        client.command("MAIL FROM:<alice@example.com>"),
        "250 2.1.0 Ok\r\n"
    );
    assert_eq!(
        client.command("RCPT TO:<bob@example.com>"),
        "250 2.1.5 Ok\r\n"
    );
    assert!(client.command("DATA").starts_with("354 "));
    let queued = client.command("Subject: lost?\r\n\r\nnot if it is refused\r\n.");
    assert!(queued.starts_with("250 2.0.0 Ok: queued as "), "{queued}");
    let (_, message) = server.only_saved();
    assert!(message.contains("not if it is refused"));
}

#[test]
fn a_save_that_fails_half_way_answers_451_and_leaves_no_part_file() {
    // Files may not grow past 8 blocks (4 KiB in dash, 8 KiB in bash): the
    // write stops part way, as on a full disk. SIGXFSZ is ignored so the
    // write fails instead of the signal ending the server.
    let server = Server::start_after("save_half_way", "trap '' XFSZ; ulimit -f 8", &[]);
    let mut client = Client::greeted(server.addr);
    let body = "x".repeat(100).repeat(200);
    assert_eq!(
        send_message(&mut client, &format!("Subject: big\r\n\r\n{body}")),
        "451 4.3.0 Error: queue file write error\r\n"
    );
    let line = server.wait_for_log("#1 not saved");
    assert!(line.contains("answered 451"), "{line}");
    assert_eq!(names_in(&server.save_dir), Vec::<String>::new());
    // A small one still fits.
    assert!(client.command("RSET").starts_with("250 "));
    assert_eq!(
        client.command("MAIL FROM:<alice@example.com>"),
        "250 2.1.0 Ok\r\n"
    );
    assert_eq!(
        client.command("RCPT TO:<bob@example.com>"),
        "250 2.1.5 Ok\r\n"
    );
    assert!(client.command("DATA").starts_with("354 "));
    assert!(client
        .command("small\r\n.")
        .starts_with("250 2.0.0 Ok: queued as "));
    assert_eq!(names_in(&server.save_dir).len(), 1);
}

#[test]
fn a_second_run_with_the_same_seed_never_overwrites_the_first() {
    let dir = scratch("same_seed_twice").join("saved");
    std::fs::create_dir_all(&dir).unwrap();
    for run in ["first run", "second run"] {
        let server = Server::start_saving_to(&dir, &[]);
        let mut client = Client::greeted(server.addr);
        let queued = send_message(&mut client, &format!("Subject: {run}\r\n\r\n{run}"));
        assert!(queued.starts_with("250 2.0.0 Ok: queued as "), "{queued}");
        server.wait_for_log("#1 delivered");
    }
    let id = first_queue_id(42);
    assert_eq!(names_in(&dir), [format!("{id}-2.eml"), format!("{id}.eml")]);
    let first = std::fs::read_to_string(dir.join(format!("{id}.eml"))).unwrap();
    let second = std::fs::read_to_string(dir.join(format!("{id}-2.eml"))).unwrap();
    assert!(first.contains("Subject: first run"), "{first}");
    assert!(second.contains("Subject: second run"), "{second}");
}

#[test]
fn symlinks_planted_in_the_save_folder_are_not_followed() {
    let root = scratch("planted_symlinks");
    let dir = root.join("saved");
    std::fs::create_dir_all(&dir).unwrap();
    let victim = root.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let id = first_queue_id(42);
    // The final name and the name the old server wrote its temporary file
    // under both point at a file outside.
    for name in [format!("{id}.eml"), format!(".{id}.eml.part")] {
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    }
    let server = Server::start_saving_to(&dir, &[]);
    let mut client = Client::greeted(server.addr);
    assert!(send_message(&mut client, "Subject: trap\r\n\r\ntrap").starts_with("250 "));
    let line = server.wait_for_log("#1 delivered");
    assert!(line.ends_with(&format!("{id}-2.eml")), "{line}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let saved = std::fs::read_to_string(dir.join(format!("{id}-2.eml"))).unwrap();
    assert!(saved.contains("Subject: trap"));
    assert!(std::fs::symlink_metadata(dir.join(format!("{id}.eml")))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn crlf_split_across_reads_never_counts_as_a_line_flood() {
    let server = Server::start("split_crlf", &[]);
    let mut client = Client::greeted(server.addr);
    client.stream.set_nodelay(true).unwrap();
    // Each write but the first ends a NOOP's line and starts the next one's,
    // so no read holds a whole CRLF: 12 000 of them are 72 000 octets.
    client.send(b"NOOP\r");
    for _ in 0..12_000 {
        client.send(b"\nNOOP\r");
        assert_eq!(client.reply(), "250 2.0.0 Ok\r\n");
    }
    client.send(b"\nQUIT\r\n");
    assert_eq!(client.reply(), "250 2.0.0 Ok\r\n");
    assert_eq!(client.reply(), "221 2.0.0 Bye\r\n");
    server.wait_for_log("#1 close: client said QUIT");
}

#[test]
fn control_characters_from_clients_are_logged_escaped() {
    let server = Server::start("escaped_log", &["--verbose"]);
    let mut client = Client::greeted(server.addr);
    let forged = "00:00:00 #7 delivered FORGED from <a@b> to <c@d> (1 octets)";
    client.send(format!("NOOP \x1b[2J\n{forged}\r\n").as_bytes());
    assert!(client.reply().starts_with("250 "));
    client.command("QUIT");
    server.wait_for_log("#1 close: client said QUIT");
    let log = server.log();
    let command = log.iter().find(|l| l.contains("#1 C: NOOP")).unwrap();
    assert!(
        command.ends_with(&format!("#1 C: NOOP \\x1b[2J\\n{forged}")),
        "{command}"
    );
    assert!(!log.iter().any(|l| l.starts_with("00:00:00")), "{log:?}");
    assert!(!log.iter().any(|l| l.contains('\x1b')), "{log:?}");
}

#[test]
fn check_prints_a_students_control_characters_escaped() {
    let dir = scratch("check_escaped");
    let attempt = dir.join("attempt.txt");
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/example-pack.json");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/examples/attempts/failing-homework.txt"),
    )
    .unwrap();
    let (before, after) = text.split_once("student: ").unwrap();
    let (_, rest) = after.split_once('\n').unwrap();
    let crafted = format!("{before}student: Eve: PASSED\x1b[2K\r\x1b[1A\n{rest}");
    std::fs::write(&attempt, crafted).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .arg("check")
        .arg(&pack)
        .arg(&attempt)
        .arg("--transcript")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!output.status.success());
    assert!(
        stdout.contains("Eve: PASSED\\x1b[2K\\r\\x1b[1A: NOT PASSED"),
        "{stdout}"
    );
    assert!(!stdout.contains(['\r', '\x1b']), "{stdout:?}");
}

#[test]
fn tricklers_cannot_hold_every_session_slot() {
    let server = Server::start(
        "trickle",
        &[
            "--max-sessions",
            "5",
            "--command-timeout",
            "2",
            "--data-timeout",
            "2",
        ],
    );
    // 100 clients that trickle one byte every 200 ms and never end a line
    // (every second one of those with a session trickles message content):
    // the five that get a session are cut off two seconds into it.
    let greeted = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tricklers: Vec<_> = (0..100)
        .map(|_| {
            let addr = server.addr;
            let greeted = Arc::clone(&greeted);
            thread::spawn(move || {
                let mut client = Client::connect(addr);
                if !client.try_reply()?.starts_with("220 ") {
                    return None;
                }
                if greeted.fetch_add(1, Ordering::SeqCst) % 2 == 1 {
                    client.command("MAIL FROM:<a@example.com>");
                    client.command("RCPT TO:<bob@example.com>");
                    assert!(client.command("DATA").starts_with("354 "));
                }
                for _ in 0..13 {
                    let _ = client.stream.write_all(b"x");
                    thread::sleep(Duration::from_millis(200));
                }
                Some(client.reply())
            })
        })
        .collect();
    let replies: Vec<String> = tricklers
        .into_iter()
        .filter_map(|t| t.join().unwrap())
        .collect();
    assert_eq!(replies.len(), 5, "{replies:?}");
    for reply in &replies {
        assert_eq!(
            reply,
            "421 4.4.2 mail.example.com Error: timeout exceeded\r\n"
        );
    }
    // Logged as each session ends, after its linger.
    server.wait_for_log("command line not finished within 2 s (--command-timeout): answered 421");
    server.wait_for_log("message content not finished within 2 s (--data-timeout): answered 421");
    // Their places are free again.
    loop {
        let mut late = Client::connect(server.addr);
        if late.try_reply().is_some_and(|r| r.starts_with("220 ")) {
            assert_eq!(late.command("NOOP"), "250 2.0.0 Ok\r\n");
            break;
        }
        assert!(start.elapsed() < PATIENCE, "no session slot came free");
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn many_large_messages_at_once_stay_within_the_memory_budget() {
    // 20 messages of 6 MB at once against a budget of 16 MB of messages: a
    // few are held, the others are drained and answered 452 (a real client
    // retries them), and the server's peak memory stays near the budget.
    let server = Server::start(
        "in_flight",
        &[
            "--max-message-size",
            "7000000",
            "--max-in-flight",
            "16000000",
        ],
    );
    let before = server.memory_kb("VmRSS");
    let barrier = Arc::new(std::sync::Barrier::new(20));
    let senders: Vec<_> = (0..20)
        .map(|_| {
            let addr = server.addr;
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let mut client = Client::greeted(addr);
                client.command("MAIL FROM:<alice@example.com>");
                client.command("RCPT TO:<bob@example.com>");
                assert!(client.command("DATA").starts_with("354 "));
                // In ten steps all together, so that every message is
                // half-received at the same time as the others.
                let lines = format!("{}\r\n", "y".repeat(998)).repeat(600);
                for _ in 0..10 {
                    barrier.wait();
                    client.send(lines.as_bytes());
                    thread::sleep(Duration::from_millis(50));
                }
                client.command(".")
            })
        })
        .collect();
    let replies: Vec<String> = senders.into_iter().map(|s| s.join().unwrap()).collect();
    let queued = replies
        .iter()
        .filter(|r| r.starts_with("250 2.0.0 Ok: queued"))
        .count();
    let refused = replies
        .iter()
        .filter(|r| *r == "452 4.3.1 Insufficient system storage\r\n")
        .count();
    assert_eq!(queued + refused, 20, "{replies:?}");
    assert!(
        queued >= 1 && refused >= 1,
        "{queued} queued, {refused} refused"
    );
    assert_eq!(server.saved().len(), queued);
    server.wait_for_log("(--max-in-flight); it is drained and answered 452");
    let peak = server.memory_kb("VmHWM");
    // Unbounded (--max-in-flight 800000000) these 20 messages took 93 MB
    // more at the peak; within the budget, 27 MB.
    assert!(
        peak < before + 60 * 1024,
        "VmRSS {before} kB before, peak {peak} kB"
    );
}

#[test]
fn pipelined_messages_in_one_session_are_not_counted_twice() {
    // Each message's end comes in the same write as the next MAIL and RCPT,
    // so no read ends outside a transaction; each message alone fits the
    // budget, two together would not.
    let server = Server::start(
        "pipelined_budget",
        &["--max-message-size", "200000", "--max-in-flight", "200000"],
    );
    let mut client = Client::greeted(server.addr);
    assert!(client.command("EHLO pipe.example").contains("PIPELINING"));
    client.send(b"MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n");
    let content = format!("{}\r\n", "z".repeat(998)).repeat(150);
    for _ in 0..5 {
        assert_eq!(client.reply(), "250 2.1.0 Ok\r\n");
        assert_eq!(client.reply(), "250 2.1.5 Ok\r\n");
        assert!(client.command("DATA").starts_with("354 "));
        client.send(
            format!("{content}.\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n")
                .as_bytes(),
        );
        let queued = client.reply();
        assert!(queued.starts_with("250 2.0.0 Ok: queued as "), "{queued}");
    }
}

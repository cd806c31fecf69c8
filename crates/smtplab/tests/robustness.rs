//! `smtplab serve` as a network service: idle timeout, the session limit,
//! floods, clients that vanish mid-message, and the graceful shutdown.

mod common;

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use common::{Client, Server, PATIENCE};

/// 50 MB, the flood size the issue asks for.
const FLOOD: usize = 50 * 1024 * 1024;

/// Sends `total` bytes of `byte` on a clone of the client's socket from
/// another thread; write errors (the server hanging up) end it quietly.
fn flood(client: &Client, total: usize, byte: u8) -> thread::JoinHandle<usize> {
    let mut stream = client.stream.try_clone().unwrap();
    thread::spawn(move || {
        let chunk = vec![byte; 64 * 1024];
        let mut sent = 0;
        while sent < total {
            match stream.write(&chunk[..chunk.len().min(total - sent)]) {
                Ok(n) => sent += n,
                Err(_) => break,
            }
        }
        sent
    })
}

#[test]
fn a_silent_client_gets_421_4_4_2_after_the_idle_timeout() {
    let server = Server::start("idle", &["--idle-timeout", "2"]);
    let mut client = Client::greeted(server.addr);
    // Activity restarts the clock: three NOOPs a second apart keep it alive.
    for _ in 0..3 {
        thread::sleep(Duration::from_millis(1000));
        assert_eq!(client.command("NOOP"), "250 2.0.0 Ok\r\n");
    }
    let start = Instant::now();
    let reply = client.reply();
    let waited = start.elapsed();
    assert_eq!(
        reply,
        "421 4.4.2 mail.example.com Error: timeout exceeded\r\n"
    );
    assert!(
        waited >= Duration::from_millis(1900) && waited < Duration::from_secs(5),
        "timed out after {waited:?}"
    );
    assert!(client.is_closed_by_server());
    server.wait_for_log("#1 close: idle timeout");
}

#[test]
fn beyond_max_sessions_a_client_gets_421_4_3_2_at_once() {
    let server = Server::start("limit", &["--max-sessions", "1"]);
    let mut first = Client::greeted(server.addr);

    let start = Instant::now();
    let mut second = Client::connect(server.addr);
    assert_eq!(
        second.reply(),
        "421 4.3.2 mail.example.com Too many connections, try again later\r\n"
    );
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(second.is_closed_by_server());
    server.wait_for_log("#2 refused 127.0.0.1:");

    // The session inside the limit is unaffected, and its place is free
    // again once it has gone.
    assert_eq!(first.command("NOOP"), "250 2.0.0 Ok\r\n");
    assert_eq!(first.command("QUIT"), "221 2.0.0 Bye\r\n");
    server.wait_for_log("#1 close: client said QUIT");
    let start = Instant::now();
    loop {
        let mut third = Client::connect(server.addr);
        let reply = third.reply();
        if reply.starts_with("220 ") {
            break;
        }
        assert!(start.elapsed() < PATIENCE, "{reply}");
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_50_mb_line_without_crlf_is_answered_500_and_memory_stays_flat() {
    let server = Server::start("line_flood", &[]);
    // Warm up: one full session, so the baseline includes a used session.
    let mut warm = Client::greeted(server.addr);
    assert_eq!(warm.command("QUIT"), "221 2.0.0 Bye\r\n");
    let before = server.memory_kb("VmRSS");

    let mut flooder = Client::greeted(server.addr);
    let writer = flood(&flooder, FLOOD, b'A');
    // The server stays responsive to others meanwhile.
    let mut other = Client::greeted(server.addr);
    assert_eq!(other.command("NOOP"), "250 2.0.0 Ok\r\n");

    assert_eq!(flooder.reply(), "500 5.5.0 Error: line too long\r\n");
    assert!(flooder.is_closed_by_server());
    writer.join().unwrap();
    server.wait_for_log("answered 500 and cut off");

    assert_eq!(other.command("NOOP"), "250 2.0.0 Ok\r\n");
    let after = server.memory_kb("VmRSS");
    let peak = server.memory_kb("VmHWM");
    assert!(
        after < before + 8 * 1024 && peak < before + 16 * 1024,
        "VmRSS {before} kB before, {after} kB after, peak {peak} kB"
    );
}

#[test]
fn a_50_mb_message_line_is_drained_and_refused_with_flat_memory() {
    let server = Server::start("data_flood", &["--max-message-size", "1000000"]);
    let before = server.memory_kb("VmRSS");
    let mut client = Client::greeted(server.addr);
    assert!(client.command("EHLO flood.example").starts_with("250-"));
    assert_eq!(
        client.command("MAIL FROM:<alice@example.com>"),
        "250 2.1.0 Ok\r\n"
    );
    assert_eq!(
        client.command("RCPT TO:<bob@example.com>"),
        "250 2.1.5 Ok\r\n"
    );
    assert!(client.command("DATA").starts_with("354 "));
    let writer = flood(&client, FLOOD, b'x');
    assert_eq!(writer.join().unwrap(), FLOOD, "the server read it all");
    client.send(b"\r\n.\r\n");
    assert_eq!(
        client.reply(),
        "552 5.3.4 Message size exceeds fixed limit\r\n"
    );
    // Message content is not a command line: no cut-off, the session goes on.
    assert_eq!(client.command("NOOP"), "250 2.0.0 Ok\r\n");
    let after = server.memory_kb("VmRSS");
    let peak = server.memory_kb("VmHWM");
    assert!(
        after < before + 8 * 1024 && peak < before + 16 * 1024,
        "VmRSS {before} kB before, {after} kB after, peak {peak} kB"
    );
    assert!(server.saved().is_empty());
}

#[test]
fn a_client_gone_mid_data_delivers_nothing_and_the_server_goes_on() {
    let server = Server::start("mid_data", &[]);
    let mut client = Client::greeted(server.addr);
    assert!(client.command("EHLO quitter.example").starts_with("250-"));
    client.command("MAIL FROM:<alice@example.com>");
    client.command("RCPT TO:<bob@example.com>");
    assert!(client.command("DATA").starts_with("354 "));
    client.send(b"Subject: half\r\n\r\nthis message never ends\r\n");
    drop(client);
    server.wait_for_log(
        "#1 close: client disconnected in the middle of a message (nothing delivered)",
    );
    assert!(server.saved().is_empty(), "{:?}", server.saved());

    let mut next = Client::greeted(server.addr);
    next.command("MAIL FROM:<alice@example.com>");
    next.command("RCPT TO:<bob@example.com>");
    next.command("DATA");
    let queued = next.command("Subject: whole\r\n\r\nthis one ends\r\n.");
    assert!(queued.starts_with("250 2.0.0 Ok: queued as "), "{queued}");
    let (_, message) = server.only_saved();
    assert!(message.contains("Subject: whole"));
    server.wait_for_log("#2 delivered");
    let log = server.log().join("\n");
    assert!(!log.contains("#1 delivered"), "{log}");
}

#[test]
fn sigterm_sends_421_to_every_open_session_and_exits_0() {
    // Several threads: the stop signal reaches sessions on every one.
    let mut server = Server::start("shutdown", &["--threads", "2"]);
    let mut idle = Client::greeted(server.addr);
    let mut busy = Client::greeted(server.addr);
    assert!(busy.command("EHLO busy.example").starts_with("250-"));
    assert_eq!(
        busy.command("MAIL FROM:<alice@example.com>"),
        "250 2.1.0 Ok\r\n"
    );
    server.wait_for_log("#2 connect");

    let status = server.terminate();
    assert!(status.success(), "{status}");
    let goodbye =
        "421 4.3.2 mail.example.com Service shutting down, closing transmission channel\r\n";
    assert_eq!(idle.reply(), goodbye);
    assert_eq!(busy.reply(), goodbye);
    assert!(idle.is_closed_by_server() && busy.is_closed_by_server());
    server.wait_for_log("SIGTERM: shutting down; sending 421 to 2 open session(s)");
    server.wait_for_log("#1 close: server shutting down");
    server.wait_for_log("#2 close: server shutting down");
    server.wait_for_log("stopped");
}

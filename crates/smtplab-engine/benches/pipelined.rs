//! Throughput of one session fed a long pipelined stream of messages.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use smtplab_engine::{ClientInfo, Output, Session, Settings};

const MESSAGES: usize = 2_000;

fn pipelined_stream() -> Vec<u8> {
    let body = "Subject: load\r\n\r\n".to_owned()
        + &"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstu\r\n".repeat(14);
    let mut stream = b"EHLO bench.example\r\n".to_vec();
    for _ in 0..MESSAGES {
        stream.extend_from_slice(
            b"MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n",
        );
        stream.extend_from_slice(body.as_bytes());
        stream.extend_from_slice(b".\r\n");
    }
    stream.extend_from_slice(b"QUIT\r\n");
    stream
}

fn run(stream: &[u8]) -> usize {
    let mut session = Session::new(Settings::default(), ClientInfo::default(), 1, 0);
    let mut delivered = 0;
    for chunk in stream.chunks(16 * 1024) {
        session.feed(chunk, 0);
        delivered += session
            .drain_outputs()
            .filter(|o| matches!(o, Output::Event(smtplab_engine::Event::Delivered(_))))
            .count();
    }
    delivered
}

fn bench(c: &mut Criterion) {
    let stream = pipelined_stream();
    assert_eq!(run(&stream), MESSAGES);
    let mut group = c.benchmark_group("pipelined_session");
    group.throughput(Throughput::Bytes(stream.len() as u64));
    group.bench_function(format!("{MESSAGES}_messages_bytes"), |b| {
        b.iter(|| run(&stream))
    });
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.bench_function(format!("{MESSAGES}_messages"), |b| b.iter(|| run(&stream)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

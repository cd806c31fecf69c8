//! How fast transcripts are explained: a recorded swaks session repeated
//! to about 1 MiB, and a Postfix verbose log, in octets per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const SWAKS: &[u8] = include_bytes!("../tests/data/swaks-postfix-pipelining.txt");
const POSTFIX: &[u8] = include_bytes!("../tests/data/postfix-verbose.log");

fn repeated(sample: &[u8], octets: usize) -> Vec<u8> {
    sample.iter().copied().cycle().take(octets).collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("explain");
    for (name, sample) in [("swaks", SWAKS), ("postfix-verbose-log", POSTFIX)] {
        let input = repeated(sample, 1 << 20);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| smtplab_explain::explain(&input).lines.len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

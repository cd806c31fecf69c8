"""Benchmark of `smtplab serve` against Postfix's smtp-sink (run by `cargo xtask bench-serve`).

Both servers get the same load from Postfix's smtp-source in the same run:
20 parallel sessions, 5,000 messages with a 1 KB body each (`-s 20 -m 5000
-l 1024`), first with a new connection per message (smtp-source's default),
then with connections reused (`-d`). Prints messages per second for both and
the ratio. Then the memory of each server holding 1,000 idle connections,
and the peak memory of `smtplab serve` while 20 clients send a 10 MB message
each at the same time (with its default --max-in-flight budget, and with the
budget lifted, to show what the budget saves).

This prints figures; it is not a timed test and fails only if a run fails.
"""

import argparse
import os
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} exited at start (status {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.recv(512)  # the greeting; this probe session is then closed
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not start listening on port {port}")


def memory_kb(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
    return fields


class Server:
    """A server process on a free loopback port, stopped on exit."""

    def __init__(self, what, command_for_port, log_path=None):
        self.what = what
        self.port = free_port()
        self.log = open(log_path, "w") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            command_for_port(self.port), stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process, what)

    def cpu_seconds(self):
        """User plus system CPU time the server has used so far."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()


def smtplab_server(binary, log_path):
    return Server("smtplab serve", lambda port: [
        binary, "serve", "--listen", f"127.0.0.1:{port}", "--max-sessions", "2000",
        "--seed", "1"], log_path)


def smtp_sink_server():
    def command(port):
        # As root, smtp-sink must drop privileges (-u); 1024 is the backlog.
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        return ["smtp-sink", *user, f"127.0.0.1:{port}", "1024"]
    return Server("smtp-sink", command)


def load(port, sessions, messages, size, reuse):
    command = ["smtp-source", "-s", str(sessions), "-m", str(messages), "-l", str(size),
               "-f", "alice@example.com", "-t", "bob@example.com", "-M", "client.example"]
    if reuse:
        command.append("-d")
    command.append(f"127.0.0.1:{port}")
    start = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"smtp-source failed ({result.returncode}): {' '.join(command)}\n"
                 f"{result.stdout}{result.stderr}")
    return messages / elapsed


def count_deliveries(log_path):
    with open(log_path) as log:
        return sum(1 for line in log if " delivered " in line and "#" in line.split()[1])


def throughput(args, workdir):
    print(f"load: smtp-source -s {args.sessions} -m {args.messages} -l {args.size} "
          f"(best of {args.runs} runs each, servers alternating)")
    results = {}
    for reuse in (False, True):
        mode = "connection reused (-d)" if reuse else "new connection per message"
        rates = {"smtplab": [], "smtp-sink": []}
        cpu = {"smtplab": [], "smtp-sink": []}
        for run in range(args.runs):
            for name in ("smtp-sink", "smtplab"):
                log_path = os.path.join(workdir, f"smtplab-{reuse}-{run}.log")
                server = (smtplab_server(args.smtplab, log_path) if name == "smtplab"
                          else smtp_sink_server())
                try:
                    start_cpu = server.cpu_seconds()
                    rates[name].append(load(server.port, args.sessions, args.messages,
                                            args.size, reuse))
                    cpu[name].append((server.cpu_seconds() - start_cpu) / args.messages)
                finally:
                    server.stop()
                if name == "smtplab":
                    delivered = count_deliveries(log_path)
                    if delivered != args.messages:
                        sys.exit(f"smtplab logged {delivered} deliveries, not {args.messages}")
        best = {name: max(values) for name, values in rates.items()}
        ratio = best["smtplab"] / best["smtp-sink"]
        print(f"\n{mode}:")
        for name in ("smtplab", "smtp-sink"):
            runs = ", ".join(f"{r:.0f}" for r in rates[name])
            micros = statistics.median(cpu[name]) * 1e6
            print(f"  {name:<10} {best[name]:8.0f} msgs/s  (runs: {runs}; "
                  f"median {statistics.median(rates[name]):.0f}); "
                  f"server CPU {micros:.0f} us/message")
        print(f"  ratio smtplab / smtp-sink: {ratio:.2f}")
        results[mode] = (best, ratio)
    return results


def idle_memory(server, count):
    """Memory before and while `count` connections sit idle, and how many of
    them got a 220 greeting."""
    before = memory_kb(server.process.pid)
    sockets = []
    for _ in range(count):
        sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
    # Wait for the greetings all together, five seconds at most.
    greeted = 0
    waiting = selectors.DefaultSelector()
    for s in sockets:
        waiting.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + 5
    while waiting.get_map() and time.monotonic() < deadline:
        for key, _ in waiting.select(timeout=max(0, deadline - time.monotonic())):
            try:
                greeted += key.fileobj.recv(512).startswith(b"220")
            except OSError:
                pass
            waiting.unregister(key.fileobj)
    waiting.close()
    time.sleep(1)
    during = memory_kb(server.process.pid)
    for s in sockets:
        s.close()
    return before, during, greeted


def memory(args, workdir):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.idle + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.idle + 1000), hard))
    print(f"\nmemory with {args.idle} idle connections (each greeted, then silent):")
    for name in ("smtplab", "smtp-sink"):
        server = (smtplab_server(args.smtplab, os.path.join(workdir, "idle.log"))
                  if name == "smtplab" else smtp_sink_server())
        try:
            before, during, greeted = idle_memory(server, args.idle)
        finally:
            server.stop()
        if name == "smtplab" and greeted != args.idle:
            sys.exit(f"smtplab greeted only {greeted} of {args.idle} connections")
        per = (during["VmRSS"] - before["VmRSS"]) / args.idle
        print(f"  {name:<10} VmRSS {before['VmRSS'] / 1024:6.1f} MiB at rest -> "
              f"{during['VmRSS'] / 1024:6.1f} MiB with {args.idle} open "
              f"({per:.1f} KiB each); peak VmHWM {during['VmHWM'] / 1024:.1f} MiB; "
              f"{greeted} of {args.idle} greeted")


def send_large(port, size, barrier, steps, replies):
    """One client: a message of `size` octets in `steps` parts, each part sent
    together with the other clients' (the barrier), so that every message is
    being received at the same time."""
    line = b"y" * 998 + b"\r\n"
    part = line * (size // len(line) // steps)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        reader = s.makefile("rb")

        def reply():
            text = b""
            while True:
                got = reader.readline()
                text += got
                if len(got) < 4 or got[3:4] != b"-":
                    return text.decode(errors="replace")
        reply()
        for command in (b"EHLO bench.example", b"MAIL FROM:<alice@example.com>",
                        b"RCPT TO:<bob@example.com>", b"DATA"):
            s.sendall(command + b"\r\n")
            reply()
        for _ in range(steps):
            barrier.wait()
            s.sendall(part)
            time.sleep(0.05)
        s.sendall(b".\r\n")
        replies.append(reply())
        s.sendall(b"QUIT\r\n")


def in_flight(args, workdir):
    clients, size = args.large_clients, args.large_size
    print(f"\npeak memory with {clients} clients sending a {size / 1e6:.0f} MB message each "
          f"at once:")
    for label, extra in (("default --max-in-flight (4 x --max-message-size)", []),
                         ("budget lifted (--max-in-flight 4000000000)",
                          ["--max-in-flight", "4000000000"])):
        server = Server("smtplab serve", lambda port: [
            args.smtplab, "serve", "--listen", f"127.0.0.1:{port}", "--seed", "1",
            "--max-message-size", str(size + 1_000_000), *extra],
            os.path.join(workdir, "in-flight.log"))
        try:
            before = memory_kb(server.process.pid)
            barrier = threading.Barrier(clients)
            replies = []
            threads = [threading.Thread(target=send_large,
                                        args=(server.port, size, barrier, 10, replies))
                       for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            after = memory_kb(server.process.pid)
        finally:
            server.stop()
        queued = sum(r.startswith("250 ") for r in replies)
        refused = sum(r.startswith("452 4.3.1") for r in replies)
        if queued + refused != clients:
            sys.exit(f"unexpected replies: {replies}")
        print(f"  {label}:\n    VmRSS {before['VmRSS'] / 1024:.1f} MiB at rest, "
              f"peak VmHWM {after['VmHWM'] / 1024:.1f} MiB; {queued} queued, "
              f"{refused} answered 452 4.3.1 (to be retried)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtplab", required=True, help="the smtplab binary (release build)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--large-clients", type=int, default=20)
    parser.add_argument("--large-size", type=int, default=10_000_000)
    args = parser.parse_args()
    for tool in ("smtp-source", "smtp-sink"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: install the Debian package postfix "
                     "(cargo xtask setup --server-tools)")
    with tempfile.TemporaryDirectory(prefix="smtplab-bench-") as workdir:
        throughput(args, workdir)
        memory(args, workdir)
        in_flight(args, workdir)


if __name__ == "__main__":
    main()

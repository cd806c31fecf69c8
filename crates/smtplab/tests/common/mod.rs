//! Helpers for the server tests: start `smtplab serve` on a free loopback
//! port, talk SMTP over a plain socket, and watch the server's log, files
//! and memory.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long any single wait in these tests may take before it fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A running `smtplab serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// Every address it listens on, in the order it printed them.
    pub addresses: Vec<SocketAddr>,
    /// The first of them.
    pub addr: SocketAddr,
    /// Every `--tls-listen` address (implicit TLS), in the same way.
    pub tls_addresses: Vec<SocketAddr>,
    /// Its `--save` folder.
    pub save_dir: PathBuf,
    /// With `--network`: each row of the start-up table, as
    /// (`host:port` simulated, real address).
    pub doors: Vec<(String, SocketAddr)>,
    log: Arc<Mutex<Vec<String>>>,
}

/// A fresh, empty folder for test `name` under cargo's test scratch space.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Server {
    /// Starts the server for test `name` on 127.0.0.1 (a free port), with
    /// `--seed 42`, `--save` into a fresh folder, and `extra` flags.
    pub fn start(name: &str, extra: &[&str]) -> Self {
        Self::start_listening(name, &["127.0.0.1:0"], extra)
    }

    /// As [`Server::start`], on the given `--listen` addresses.
    pub fn start_listening(name: &str, listen: &[&str], extra: &[&str]) -> Self {
        let save_dir = scratch(name).join("saved");
        Self::launch(
            Command::new(env!("CARGO_BIN_EXE_smtplab")),
            save_dir,
            listen,
            extra,
        )
    }

    /// As [`Server::start`], saving into `save_dir` as it is (not emptied).
    pub fn start_saving_to(save_dir: &Path, extra: &[&str]) -> Self {
        let command = Command::new(env!("CARGO_BIN_EXE_smtplab"));
        Self::launch(command, save_dir.to_owned(), &["127.0.0.1:0"], extra)
    }

    /// As [`Server::start`], started by `sh` after the shell commands
    /// `setup` (resource limits, signal dispositions).
    pub fn start_after(name: &str, setup: &str, extra: &[&str]) -> Self {
        let save_dir = scratch(name).join("saved");
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("{setup}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_smtplab"));
        Self::launch(command, save_dir, &["127.0.0.1:0"], extra)
    }

    /// `smtplab serve --network` for test `name` (`network` is the flag's
    /// arguments: `["--network"]` or `["--network", FILE]`), every host on
    /// a free port (`--network-base-port 0`), `--seed 42`, `--save` into a
    /// fresh folder, and `extra` flags.
    pub fn start_network(name: &str, network: &[&str], extra: &[&str]) -> Self {
        let save_dir = scratch(name).join("saved");
        let mut command = Command::new(env!("CARGO_BIN_EXE_smtplab"));
        command.arg("serve").args(network);
        command.args(["--network-base-port", "0"]);
        let mut server = Self::launch_command(command, save_dir, extra);
        server.doors = server
            .log()
            .iter()
            .filter_map(|line| {
                let mut words = line.split_whitespace().skip(1);
                let listen = words.next()?.parse().ok()?;
                let arrow = words.next()?;
                let target = words.next()?;
                (arrow == "->").then(|| (target.to_owned(), listen))
            })
            .collect();
        server
    }

    /// The real address of simulated `host:port`, from the table.
    pub fn door(&self, target: &str) -> SocketAddr {
        self.doors
            .iter()
            .find(|(t, _)| t == target)
            .map(|(_, address)| *address)
            .unwrap_or_else(|| panic!("no {target} in the table: {:?}", self.log()))
    }

    /// The `.eml` files saved in the `--save` subfolder of a network host.
    pub fn saved_at(&self, host: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(self.save_dir.join(host)) {
            Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        files
    }

    /// Waits for the only message saved at `host` and returns its text.
    pub fn only_saved_at(&self, host: &str) -> String {
        let start = Instant::now();
        while self.saved_at(host).is_empty() && start.elapsed() < PATIENCE {
            thread::sleep(Duration::from_millis(20));
        }
        let files = self.saved_at(host);
        assert_eq!(
            files.len(),
            1,
            "{host}: {files:?}\n{}",
            self.log().join("\n")
        );
        std::fs::read_to_string(&files[0]).unwrap()
    }

    fn launch(mut command: Command, save_dir: PathBuf, listen: &[&str], extra: &[&str]) -> Self {
        command.arg("serve");
        for address in listen {
            command.args(["--listen", address]);
        }
        let mut server = Self::launch_command(command, save_dir, extra);
        let listening: Vec<String> = server
            .log()
            .iter()
            .filter_map(|line| line.split_once("listening on ").map(|(_, a)| a.to_owned()))
            .collect();
        let parse = |a: &str| a.parse::<SocketAddr>().expect("listening address");
        server.tls_addresses = listening
            .iter()
            .filter_map(|a| a.strip_suffix(" (implicit TLS)"))
            .map(parse)
            .collect();
        server.addresses = listening
            .iter()
            .filter(|a| !a.ends_with(')'))
            .map(|a| parse(a))
            .collect();
        assert_eq!(server.addresses.len(), listen.len(), "{:?}", server.log());
        server.addr = server.addresses[0];
        server
    }

    /// Runs `command` (`smtplab serve` and its flags so far) with `--seed
    /// 42 --save DIR` and `extra`, and waits until it is ready.
    fn launch_command(mut command: Command, save_dir: PathBuf, extra: &[&str]) -> Self {
        command
            .args(["--seed", "42", "--save"])
            .arg(&save_dir)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().expect("start smtplab serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stdout = child.stdout.take().unwrap();
        let sink = Arc::clone(&log);
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        let server = Self {
            child,
            addresses: Vec::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls_addresses: Vec::new(),
            save_dir,
            doors: Vec::new(),
            log,
        };
        server.wait_for_log("ready: ");
        server
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The log so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits until a log line contains `needle` and returns it.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.log().into_iter().find(|l| l.contains(needle)) {
                return line;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "no log line with {needle:?} in:\n{}",
                self.log().join("\n")
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// A line from `/proc/<pid>/status`, in kB (VmRSS, VmHWM).
    pub fn memory_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/<pid>/status"))
    }

    /// The `.eml` files saved so far, sorted.
    pub fn saved(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&self.save_dir) {
            Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        files
    }

    /// The only saved message, once there is one; fails if there are more.
    pub fn only_saved(&self) -> (String, String) {
        let start = Instant::now();
        while self.saved().is_empty() && start.elapsed() < PATIENCE {
            thread::sleep(Duration::from_millis(20));
        }
        let files = self.saved();
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        (name, std::fs::read_to_string(&files[0]).unwrap())
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(&mut self) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < PATIENCE, "server did not stop on SIGTERM");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw SMTP client on a plain socket.
pub struct Client {
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    /// Connects (without reading the greeting).
    pub fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Self { stream, reader }
    }

    /// Connects and reads the 220 greeting.
    pub fn greeted(addr: SocketAddr) -> Self {
        let mut client = Self::connect(addr);
        let greeting = client.reply();
        assert!(greeting.starts_with("220 "), "{greeting}");
        client
    }

    /// Sends raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Reads one whole reply (all its lines), as on the wire.
    pub fn reply(&mut self) -> String {
        let mut reply = String::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("read a reply");
            assert!(n > 0, "connection closed; reply so far: {reply:?}");
            reply.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return reply;
            }
        }
    }

    /// Reads one whole reply, or `None` if the server closed (or reset)
    /// the connection first.
    pub fn try_reply(&mut self) -> Option<String> {
        let mut reply = String::new();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(n) if n > 0 => {}
                _ => return None,
            }
            reply.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return Some(reply);
            }
        }
    }

    /// Sends a command line and reads its reply.
    pub fn command(&mut self, line: &str) -> String {
        self.send(format!("{line}\r\n").as_bytes());
        self.reply()
    }

    /// Reads until the server closes the connection; what came.
    pub fn rest(&mut self) -> Vec<u8> {
        let mut rest = Vec::new();
        let _ = self.reader.read_to_end(&mut rest);
        rest
    }

    /// Whether the server has closed: a read sees the end (or a reset).
    pub fn is_closed_by_server(&mut self) -> bool {
        let mut byte = [0_u8; 1];
        matches!(self.reader.read(&mut byte), Ok(0) | Err(_))
    }
}

/// Whether `program` can be run (it is on PATH).
pub fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Says, where a passing test run shows it, that a test did not run.
/// (The test harness hides what `println!` prints in a passing test, so
/// this writes to the real standard error.)
pub fn skipped(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

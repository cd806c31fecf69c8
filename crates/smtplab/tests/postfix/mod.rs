//! A Postfix smtpd on loopback for the probe tests: its own configuration
//! (loopback only, a free port, every local message discarded, nothing
//! relayed or sent out), started and stopped as root with `postfix -c`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A running Postfix instance, stopped when dropped.
pub struct Postfix {
    config: PathBuf,
    /// Its smtpd's port on 127.0.0.1.
    pub port: u16,
    /// Its log file.
    pub log: PathBuf,
}

/// Why Postfix cannot be run here, if it cannot.
pub fn unavailable() -> Option<String> {
    if !std::path::Path::new("/usr/sbin/postfix").is_file() {
        return Some(
            "Postfix is not installed (apt-get install -y postfix; cargo xtask setup does it)"
                .into(),
        );
    }
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("starting a Postfix instance needs root".into());
    }
    None
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().unwrap().port()
}

/// master.cf from the package's, with smtpd on `port` and no chroot
/// (the test queue has no chroot files).
fn master_cf(port: u16) -> String {
    let stock = std::fs::read_to_string("/etc/postfix/master.cf").expect("the package's master.cf");
    stock
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let service = !line.starts_with(['#', ' ', '\t']) && fields.len() >= 8;
            if !service {
                return line.to_owned();
            }
            let name = if fields[0] == "smtp" && fields[1] == "inet" {
                format!("127.0.0.1:{port}")
            } else {
                fields[0].to_owned()
            };
            let mut out = vec![name.as_str(), fields[1], fields[2], fields[3], "n"];
            out.extend(&fields[5..]);
            out.join("  ")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

impl Postfix {
    /// Configures and starts an instance for test `name`.
    pub fn start(name: &str) -> Self {
        let port = free_port();
        let config = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("postfix-{name}"));
        let _ = std::fs::remove_dir_all(&config);
        std::fs::create_dir_all(&config).unwrap();
        let queue = format!("/var/spool/smtplab-test-{name}");
        let data = format!("/var/lib/smtplab-test-{name}");
        for dir in [&queue, &data] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let _ = Command::new("chown").args(["postfix", &data]).status();
        let log = config.join("maillog");
        let main_cf = format!(
            "compatibility_level = 3.6\nqueue_directory = {queue}\ndata_directory = {data}\nmail_owner = postfix\nsetgid_group = postdrop\n\
             myhostname = mx.probe.test\nmydomain = probe.test\nmydestination = localhost, $myhostname\n\
             inet_interfaces = loopback-only\ninet_protocols = ipv4\nmynetworks = 127.0.0.1/32\n\
             smtpd_relay_restrictions = reject_unauth_destination\nlocal_recipient_maps =\nalias_maps =\nalias_database =\n\
             local_transport = discard:\ndefault_transport = error:outbound mail is off in this test instance\n\
             relay_transport = error:outbound mail is off in this test instance\n\
             maillog_file_prefixes = {dir}\nmaillog_file = {log}\nsmtpd_banner = $myhostname ESMTP Postfix\nbiff = no\n",
            dir = config.display(),
            log = log.display(),
        );
        std::fs::write(config.join("main.cf"), main_cf).unwrap();
        std::fs::write(config.join("master.cf"), master_cf(port)).unwrap();
        let status = Command::new("postfix")
            .arg("-c")
            .arg(&config)
            .arg("start")
            .status()
            .expect("run postfix");
        assert!(
            status.success(),
            "postfix -c {} start failed (see {})",
            config.display(),
            log.display()
        );
        let postfix = Self { config, port, log };
        postfix.wait_until_listening();
        postfix
    }

    fn wait_until_listening(&self) {
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "postfix never listened on {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new("postfix")
            .arg("-c")
            .arg(&self.config)
            .arg("stop")
            .status();
    }
}

//! The one static file server: `cargo xtask serve` (build, then serve
//! `dist/`) and `cargo xtask serve-dir DIR` (no build), which the e2e suite
//! and the web benchmarks start through `e2e/lib/server.mjs`.
//!
//! GET and HEAD only, one request per connection, no directory listings, no
//! paths outside the served directory. Good enough for local use, not for production.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;
use std::time::Duration;

use anyhow::anyhow;

use crate::build;
use crate::util::{banner, root, Result};

/// The line `serve-dir` prints first; `e2e/lib/server.mjs` reads the URL
/// from it.
pub const LISTENING: &str = "listening on";

pub fn serve(port: u16) -> Result {
    build::build()?;
    let dist = root().join("dist");
    let listener = listen(port)?;
    banner(&format!(
        "serving {} at http://{}/  (Ctrl-C to stop)",
        dist.display(),
        address(&listener)?
    ));
    serve_forever(listener, dist);
    Ok(())
}

/// Serves `dir` as it is (no build); port 0 picks a free port. Prints
/// `listening on http://127.0.0.1:PORT/` once ready.
pub fn serve_dir(dir: &Path, port: u16) -> Result {
    if !dir.is_dir() {
        return Err(anyhow!("{} is not a directory", dir.display()));
    }
    let listener = listen(port)?;
    println!("{LISTENING} http://{}/", address(&listener)?);
    serve_forever(listener, dir.to_path_buf());
    Ok(())
}

fn listen(port: u16) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| anyhow!("cannot listen on 127.0.0.1:{port}: {e} (try --port)"))
}

fn address(listener: &TcpListener) -> Result<std::net::SocketAddr> {
    listener
        .local_addr()
        .map_err(|e| anyhow!("cannot read the listening address: {e}"))
}

/// Accepts connections until the process ends, one thread per connection.
pub fn serve_forever(listener: TcpListener, dir: PathBuf) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let dir = dir.clone();
        thread::spawn(move || {
            if let Err(e) = handle(stream, &dir) {
                eprintln!("serve: {e}");
            }
        });
    }
}

fn handle(mut stream: TcpStream, dir: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers: nothing in them changes the answer.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    if method != "GET" && !head {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"method not allowed\n",
            head,
        );
    }
    match resolve(dir, target).and_then(|path| fs::read(&path).ok().map(|body| (path, body))) {
        Some((path, body)) => respond(&mut stream, "200 OK", mime_type(&path), &body, head),
        None => respond(
            &mut stream,
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found\n",
            head,
        ),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    mime: &str,
    body: &[u8],
    head: bool,
) -> io::Result<()> {
    // Any origin may load the site, as static hosts allow: a documentation
    // page elsewhere imports widget/smtp-lab.js, and module scripts, wasm
    // and the zh-CN table are fetched with CORS.
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Maps a request target to a file under `dir`; `None` for anything outside it or missing.
/// `/` and directories map to their `index.html`.
pub fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let path = percent_decode(path)?;
    if !path.starts_with('/') {
        return None;
    }
    let mut file = dir.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            // `..`, a root or a prefix could leave `dir`.
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    // A decoded NUL or backslash has no business in a static file path.
    (!decoded.contains(['\0', '\\'])).then_some(decoded)
}

/// Content-Type by file extension; `application/wasm` matters for streaming compilation.
pub fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn temp_site() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-serve-test-{}-{:?}",
            std::process::id(),
            thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("index.html"), "<h1>home</h1>").unwrap();
        fs::write(dir.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(dir.join("sub/a b.js"), "export {}").unwrap();
        dir
    }

    fn get(addr: std::net::SocketAddr, request: &str) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut out = Vec::new();
        stream.read_to_end(&mut out).unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn resolves_index_files_and_decodes_paths() {
        let dir = temp_site();
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/?x=1"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/sub/a%20b.js"), Some(dir.join("sub/a b.js")));
        assert_eq!(resolve(&dir, "/missing.js"), None);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_paths_outside_the_directory() {
        let dir = temp_site();
        let sub = dir.join("sub");
        for target in [
            "/../index.html",
            "/%2e%2e/index.html",
            "/sub/../../x",
            "//etc/passwd",
            "index.html",
            "/a%00b",
            "/%zz",
        ] {
            assert_eq!(resolve(&sub, target), None, "{target}");
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn mime_types_cover_the_web_build() {
        assert_eq!(mime_type(Path::new("a_bg.wasm")), "application/wasm");
        assert_eq!(
            mime_type(Path::new("a.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            mime_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(mime_type(Path::new("s.css")), "text/css; charset=utf-8");
        assert_eq!(mime_type(Path::new("blob")), "application/octet-stream");
    }

    #[test]
    fn serves_files_over_http() {
        let dir = temp_site();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let served = dir.clone();
        thread::spawn(move || serve_forever(listener, served));

        let home = get(addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(home.starts_with("HTTP/1.1 200 OK\r\n"), "{home}");
        assert!(
            home.contains("Content-Type: text/html; charset=utf-8\r\n"),
            "{home}"
        );
        assert!(home.ends_with("\r\n\r\n<h1>home</h1>"), "{home}");

        let wasm = get(addr, "GET /app_bg.wasm HTTP/1.1\r\n\r\n");
        assert!(
            wasm.contains("Content-Type: application/wasm\r\n"),
            "{wasm}"
        );
        assert!(wasm.contains("Content-Length: 8\r\n"), "{wasm}");
        assert!(
            wasm.contains("Access-Control-Allow-Origin: *\r\n"),
            "a page elsewhere may load it: {wasm}"
        );

        let head = get(addr, "HEAD / HTTP/1.1\r\n\r\n");
        assert!(
            head.contains("Content-Length: 13\r\n") && head.ends_with("\r\n\r\n"),
            "{head}"
        );

        assert!(get(addr, "GET /nope HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(get(addr, "POST / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        fs::remove_dir_all(&dir).unwrap();
    }
}

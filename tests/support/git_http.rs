//! A real git smart-HTTP server on 127.0.0.1 for the token tests: `git http-backend` run as a CGI
//! program behind a minimal HTTP/1.1 server (std::net, one request per connection) that demands
//! `Authorization: basic base64("x-access-token:TOKEN")` and answers 401 otherwise.
//!
//! Every request's method, path and Authorization header are recorded, so tests can assert what
//! git sent. The server thread lives as long as the [`GitHttpServer`] value.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub status: u16,
}

/// Serves the bare repositories under `root` at `http://127.0.0.1:PORT/<name>`.
pub struct GitHttpServer {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl GitHttpServer {
    /// Starts serving `root`; only requests carrying `token` as x-access-token basic auth pass.
    pub fn start(root: &Path, token: &str) -> GitHttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let expected = format!("basic {}", base64(format!("x-access-token:{token}").as_bytes()));
        let (root, seen2, stop2) = (root.to_path_buf(), Arc::clone(&seen), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (root, seen, expected) = (root.clone(), Arc::clone(&seen2), expected.clone());
                // One thread per connection: git may hold one open while it opens another.
                std::thread::spawn(move || {
                    if let Some(request) = serve(stream, &root, &expected) {
                        seen.lock().unwrap().push(request);
                    }
                });
            }
        });
        GitHttpServer { port, seen, stop, thread: Some(thread) }
    }

    /// The URL of repository `name` (e.g. `origin.git`).
    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.port)
    }

    /// Every request served so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for GitHttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request, answers it, and returns what it was.
fn serve(stream: TcpStream, root: &Path, expected: &str) -> Option<Seen> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let body = read_body(&mut reader, header("content-length"), header("transfer-encoding"))?;
    let authorization = header("authorization");
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut seen = Seen {
        method: method.clone(),
        path: path.to_string(),
        authorization: authorization.clone(),
        status: 0,
    };
    let mut stream = stream;

    if authorization.as_deref().map(str::to_ascii_lowercase) != Some(expected.to_ascii_lowercase()) {
        seen.status = 401;
        let _ = stream.write_all(
            b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"vbump-test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return Some(seen);
    }

    let mut cgi = Command::new("git");
    cgi.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root)
        .env("REQUEST_METHOD", &method)
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        // Enables receive-pack (push), which http-backend refuses to anonymous users.
        .env("REMOTE_USER", "x-access-token")
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("CONTENT_LENGTH", body.len().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(kind) = header("content-type") {
        cgi.env("CONTENT_TYPE", kind);
    }
    if let Some(encoding) = header("content-encoding") {
        cgi.env("HTTP_CONTENT_ENCODING", encoding);
    }
    if let Some(protocol) = header("git-protocol") {
        cgi.env("GIT_PROTOCOL", protocol);
    }
    let mut child = cgi.spawn().ok()?;
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&body);
    });
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();

    // CGI output: headers, a blank line, the body.
    let split =
        find(&out.stdout, b"\r\n\r\n").map(|i| (i, 4)).or_else(|| find(&out.stdout, b"\n\n").map(|i| (i, 2)));
    let (head, body) = match split {
        Some((i, n)) => (String::from_utf8_lossy(&out.stdout[..i]).into_owned(), &out.stdout[i + n..]),
        None => (String::new(), &out.stdout[..]),
    };
    let mut status = "200 OK".to_string();
    let mut response_headers = String::new();
    for line in head.lines() {
        match line.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("status") => status = value.trim().to_string(),
            Some(_) => response_headers.push_str(&format!("{}\r\n", line.trim_end())),
            None => {}
        }
    }
    seen.status = status.split_whitespace().next().and_then(|s| s.parse().ok()).unwrap_or(500);
    let response = format!(
        "HTTP/1.1 {status}\r\n{response_headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
    Some(seen)
}

/// The request body, by Content-Length or chunked transfer encoding.
fn read_body(reader: &mut impl BufRead, length: Option<String>, encoding: Option<String>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    if encoding.is_some_and(|e| e.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = length {
        body.resize(length.parse().ok()?, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some(body)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Standard base64 with padding, so the server checks the header independently of vbump's code.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

/// Every file under `dir` whose bytes contain `needle` (for "the token is written nowhere").
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                Ok(kind)
                    if kind.is_file() && std::fs::read(&path).is_ok_and(|b| find(&b, needle).is_some()) =>
                {
                    found.push(path)
                }
                _ => {}
            }
        }
    }
    found
}

/// A server on 127.0.0.1 that answers every request with `301 Moved Permanently` to the same path
/// under `target` (another server: "the remote moved"), recording what it was sent.
pub struct Redirector {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Redirector {
    pub fn start(target: &str) -> Redirector {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (log, target) = (Arc::clone(&seen), target.trim_end_matches('/').to_string());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut authorization = None;
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("authorization")
                    {
                        authorization = Some(value.trim().to_string());
                    }
                    header.clear();
                }
                let mut parts = line.split_whitespace();
                let (method, path) =
                    (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("/").to_string());
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 301 Moved Permanently\r\nLocation: {target}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                log.lock().unwrap().push(Seen { method, path, authorization, status: 301 });
            }
        });
        Redirector { port, seen }
    }

    /// The URL of repository `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

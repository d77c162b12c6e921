//! A static file server on 127.0.0.1 for tests that download: it serves a directory over plain
//! HTTP/1.1 (GET only, one request per connection) and records every path asked for. A file
//! `NAME.redirect` makes `NAME` a redirect to the URL it holds.
//!
//! ```ignore
//! let server = FileServer::start(dir.path());
//! // curl "$(server.url())/v1.2.3/SHA256SUMS"
//! assert_eq!(server.requests(), ["/v1.2.3/SHA256SUMS"]);
//! ```
//! The server thread lives as long as the test process; its port is chosen by the OS, so tests
//! running in parallel never collide.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A running server; dropping it leaves the thread parked on `accept`, which costs nothing.
pub struct FileServer {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FileServer {
    /// Serves the files under `root`.
    pub fn start(root: &Path) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (root, log) = (root.to_path_buf(), Arc::clone(&requests));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                // A client that hangs up mid-request is its own problem, not the server's.
                let _ = serve(stream, &root, &log);
            }
        });
        FileServer { port, requests }
    }

    /// `http://127.0.0.1:PORT`, without a final slash.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, root: &Path, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers so the client sees a well-behaved peer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    log.lock().unwrap().push(target.to_string());
    let file = (method == "GET").then(|| resolve(root, target)).flatten();
    let mut stream = stream;
    // `NAME.redirect` beside a path makes it a 302 to the URL the file holds.
    let redirect = file.as_ref().and_then(|path| {
        let mut name = path.clone().into_os_string();
        name.push(".redirect");
        std::fs::read_to_string(name).ok()
    });
    if let Some(location) = redirect {
        write!(
            stream,
            "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            location.trim()
        )?;
        return stream.flush();
    }
    match file.and_then(|path| std::fs::read(path).ok()) {
        Some(body) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)?;
        }
        None => {
            let body = b"Not Found";
            write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(body)?;
        }
    }
    stream.flush()
}

/// The file `target` names under `root`, refusing anything that climbs out of it.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let relative = Path::new(target.split('?').next()?.trim_start_matches('/'));
    if relative.components().all(|c| matches!(c, Component::Normal(_))) {
        Some(root.join(relative))
    } else {
        None
    }
}

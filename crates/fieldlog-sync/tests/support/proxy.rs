//! A misbehaving network between laptop and server, inside the test: an HTTP/1.1 proxy on a
//! loopback port that, request by request and driven by a seed, passes the request through,
//! drops it before the server sees it, lets the server act but drops the answer, delays it,
//! delivers it to the server twice, or cuts the answer off in the middle of its body.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Pass,
    DropRequest,
    DropResponse,
    Delay,
    Duplicate,
    CutResponse,
}

/// Counts of what the proxy did, to show a run really exercised the faults.
#[derive(Debug, Default)]
pub struct Tally {
    pub requests: AtomicU64,
    pub faults: AtomicU64,
    /// The request lines of attachment uploads (`PUT /v1/attachments/…?offset=…`), in order:
    /// where a resumed upload started (issue 19's photos).
    pub uploads: std::sync::Mutex<Vec<String>>,
}

pub struct FaultyProxy {
    pub addr: SocketAddr,
    pub tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
}

impl FaultyProxy {
    /// Starts a proxy to `upstream`; about `fault_percent` of requests meet a fault.
    pub fn start(upstream: SocketAddr, seed: u64, fault_percent: u64) -> FaultyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let tally = Arc::new(Tally::default());
        let rng = Arc::new(AtomicU64::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1));
        {
            let stop = stop.clone();
            let tally = tally.clone();
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let rng = rng.clone();
                    let tally = tally.clone();
                    std::thread::spawn(move || {
                        let _ = serve_connection(client, upstream, &rng, fault_percent, &tally);
                    });
                }
            });
        }
        FaultyProxy { addr, tally, stop }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn next_random(rng: &AtomicU64) -> u64 {
    // xorshift64*, shared by all connections: the sequence of faults follows from the seed.
    let mut x = rng.load(Ordering::SeqCst);
    loop {
        let mut y = x;
        y ^= y >> 12;
        y ^= y << 25;
        y ^= y >> 27;
        match rng.compare_exchange(x, y, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return y.wrapping_mul(0x2545_F491_4F6C_DD1D),
            Err(current) => x = current,
        }
    }
}

fn pick(rng: &AtomicU64, fault_percent: u64) -> Fault {
    let r = next_random(rng);
    if r % 100 >= fault_percent {
        return Fault::Pass;
    }
    match (r / 100) % 5 {
        0 => Fault::DropRequest,
        1 => Fault::DropResponse,
        2 => Fault::Delay,
        3 => Fault::Duplicate,
        _ => Fault::CutResponse,
    }
}

/// Reads one request (head + Content-Length body); None at a clean end of the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    let mut length = 0usize;
    let mut first = true;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if line == "\r\n" {
            head.extend_from_slice(b"Connection: close\r\n\r\n");
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        // Each request goes to the server on its own connection, closed after the answer,
        // so the answer's end is simply the end of the stream.
        if !first && lower.starts_with("connection:") {
            continue;
        }
        first = false;
        head.extend_from_slice(line.as_bytes());
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    head.extend_from_slice(&body);
    Ok(Some(head))
}

fn forward(upstream: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(request)?;
    let mut response = Vec::new();
    server.read_to_end(&mut response)?;
    Ok(response)
}

fn serve_connection(
    client: TcpStream,
    upstream: SocketAddr,
    rng: &AtomicU64,
    fault_percent: u64,
    tally: &Tally,
) -> std::io::Result<()> {
    let mut writer = client.try_clone()?;
    let mut reader = BufReader::new(client);
    // One request per connection: the server closes after each answer, and so does the proxy.
    let Some(request) = read_request(&mut reader)? else {
        return Ok(());
    };
    tally.requests.fetch_add(1, Ordering::SeqCst);
    if request.starts_with(b"PUT /v1/attachments/") {
        let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
        let line = String::from_utf8_lossy(line).into_owned();
        tally.uploads.lock().unwrap().push(line);
    }
    let fault = pick(rng, fault_percent);
    if fault != Fault::Pass {
        tally.faults.fetch_add(1, Ordering::SeqCst);
    }
    let response = match fault {
        Fault::DropRequest => return Ok(()),
        Fault::Duplicate => {
            forward(upstream, &request)?;
            forward(upstream, &request)?
        }
        Fault::Delay => {
            std::thread::sleep(Duration::from_millis(next_random(rng) % 40));
            forward(upstream, &request)?
        }
        _ => forward(upstream, &request)?,
    };
    match fault {
        Fault::DropResponse => {}
        Fault::CutResponse => {
            // The head and part of the body: the client has started reading when it stops.
            let body_start = response
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(0, |p| p + 4);
            let cut = body_start + (response.len() - body_start) / 2;
            writer.write_all(&response[..cut])?;
            writer.flush()?;
        }
        _ => {
            writer.write_all(&response)?;
            writer.flush()?;
        }
    }
    Ok(())
}

//! `shardlab-api`: drives one simulation headlessly, over stdin and stdout
//! (the line protocol) or, with `--listen`, over HTTP as AWS serves it.
//!
//! Without arguments, each line of stdin is a request,
//! `{"Target":"Kinesis_20131202.PutRecord","Body":{…}}`, answered by one line
//! on stdout, `{"Status":200,"Body":{…}}`, flushed at once so that a test can
//! talk to the process one request at a time. The protocol is
//! `shardlab_core::api::line`'s; this file only moves bytes. The simulated
//! clock starts at 2026-01-01T00:00:00Z and moves only when a request
//! (`Shardlab.AdvanceClock`, `Shardlab.SetClock`) says so.
//!
//! With `--listen ADDR`, it serves the same simulation over HTTP/1.1 and
//! HTTP/2 (h2c), in JSON and CBOR, for
//! real AWS clients (`server.rs`), with the clock following the wall clock
//! (`--clock wall`, the default, `--speed N` times as fast) or moved only by
//! requests (`--clock manual`).
//!
//! ```sh
//! cargo run --release -q -p shardlab-core --bin shardlab-api
//! cargo run --release -q -p shardlab-core --bin shardlab-api -- --listen 127.0.0.1:4567
//! ```

mod cbor;
mod eventstream;
mod h2c;
mod http;
mod server;

use std::io::{self, BufRead, Write};
use std::net::TcpListener;
use std::process::ExitCode;

use shardlab_core::Simulation;
use shardlab_core::api::line::handle_line;

use self::server::ClockMode;

const USAGE: &str = "usage: shardlab-api                     (line protocol on stdin/stdout)
       shardlab-api --listen ADDR [--clock wall|manual] [--speed N]
  --listen ADDR   serve HTTP on ADDR, such as 127.0.0.1:4567 (port 0: any free port)
  --clock wall    simulated time starts at the wall clock's time and follows it (default)
  --clock manual  simulated time starts at 2026-01-01T00:00:00Z and moves only with
                  Shardlab.AdvanceClock and Shardlab.SetClock
  --speed N       with --clock wall, simulated time runs N times as fast (0 < N <= 10000; default 1)";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    Lines,
    Listen { addr: String, clock: ClockMode },
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let (mut addr, mut clock, mut speed) = (None, None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--listen" => addr = Some(value()?.clone()),
            "--clock" => clock = Some(value()?.clone()),
            "--speed" => {
                let text = value()?;
                let n: f64 = text.parse().map_err(|_| format!("--speed {text} is not a number"))?;
                if !(n > 0.0 && n <= 10_000.0) {
                    return Err(format!("--speed {text} is not above 0 and at most 10000"));
                }
                speed = Some(n);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let Some(addr) = addr else {
        return match (clock, speed) {
            (None, None) => Ok(Command::Lines),
            _ => Err(String::from("--clock and --speed need --listen; the line protocol's clock is manual")),
        };
    };
    let clock = match (clock.as_deref(), speed) {
        (None | Some("wall"), speed) => ClockMode::Wall { speed: speed.unwrap_or(1.0) },
        (Some("manual"), None) => ClockMode::Manual,
        (Some("manual"), Some(_)) => return Err(String::from("--speed needs --clock wall")),
        (Some(other), _) => return Err(format!("--clock {other} is neither wall nor manual")),
    };
    Ok(Command::Listen { addr, clock })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match parse_args(&args) {
        Ok(Command::Lines) => lines(),
        Ok(Command::Listen { addr, clock }) => listen(&addr, clock),
        Err(why) => {
            if !why.is_empty() {
                eprintln!("shardlab-api: {why}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("shardlab-api: {error}");
            ExitCode::FAILURE
        }
    }
}

fn listen(addr: &str, clock: ClockMode) -> io::Result<()> {
    let listener = TcpListener::bind(addr)?;
    let mut out = io::stdout().lock();
    // The first line of stdout names the address, so that a test that asked
    // for port 0 learns the port.
    writeln!(out, "listening on http://{}", listener.local_addr()?)?;
    out.flush()?;
    drop(out);
    server::serve(listener, clock)
}

fn lines() -> io::Result<()> {
    let mut sim = Simulation::new();
    let mut input = io::stdin().lock();
    let mut output = io::stdout().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if let Some(reply) = handle_line(&mut sim, &line) {
            writeln!(output, "{reply}")?;
            output.flush()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<Command, String> {
        parse_args(&args.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn arguments_choose_the_protocol_and_clock() {
        assert_eq!(parse(""), Ok(Command::Lines));
        let listen = |clock| Ok(Command::Listen { addr: "127.0.0.1:0".into(), clock });
        assert_eq!(parse("--listen 127.0.0.1:0"), listen(ClockMode::Wall { speed: 1.0 }));
        assert_eq!(parse("--listen 127.0.0.1:0 --clock wall --speed 60"), listen(ClockMode::Wall { speed: 60.0 }));
        assert_eq!(parse("--clock manual --listen 127.0.0.1:0"), listen(ClockMode::Manual));
        assert!(parse("--listen 127.0.0.1:0 --clock manual --speed 2").is_err());
        assert!(parse("--listen 127.0.0.1:0 --speed 0").is_err());
        assert!(parse("--listen 127.0.0.1:0 --speed NaN").is_err());
        assert!(parse("--listen 127.0.0.1:0 --clock sundial").is_err());
        assert!(parse("--listen").is_err());
        assert!(parse("--clock manual").is_err());
        assert!(parse("--port 1").is_err());
    }
}

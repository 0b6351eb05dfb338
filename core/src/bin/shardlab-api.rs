//! `shardlab-api`: drives one simulation headlessly over stdin and stdout.
//!
//! Each line of stdin is a request, `{"Target":"Kinesis_20131202.PutRecord","Body":{…}}`,
//! answered by one line on stdout, `{"Status":200,"Body":{…}}`, flushed at
//! once so that a test can talk to the process one request at a time. The
//! protocol is `shardlab_core::api::line`'s; this file only moves bytes. The
//! simulated clock starts at 2026-01-01T00:00:00Z and moves only when a
//! request (`Shardlab.AdvanceClock`, `Shardlab.SetClock`) says so.
//!
//! ```sh
//! cargo run --release -q -p shardlab-core --bin shardlab-api
//! ```

use std::io::{self, BufRead, Write};

use shardlab_core::Simulation;
use shardlab_core::api::line::handle_line;

fn main() -> io::Result<()> {
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

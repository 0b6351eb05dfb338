//! A Lambda function in version 1 of the snapshot format. A change to
//! [`Function`] needs no change here unless it changes what is stored. The
//! defaults read snapshots written before a field existed.

use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{Function, FunctionScript};
use crate::rand::RandV1;
use crate::time::Instant;

#[derive(Serialize, Deserialize)]
pub(in crate::lambda) struct FunctionV1 {
    script: FunctionScript,
    rand: RandV1,
    #[serde(default)]
    reserved_concurrency: Option<u32>,
    #[serde(default)]
    running_until: Vec<Instant>,
    #[serde(default)]
    throttles: u64,
}

impl From<Function> for FunctionV1 {
    fn from(function: Function) -> FunctionV1 {
        let Function { script, rand, reserved_concurrency, running_until, throttles } = function;
        FunctionV1 { script, rand: rand.into(), reserved_concurrency, running_until, throttles }
    }
}

impl From<FunctionV1> for Function {
    fn from(v1: FunctionV1) -> Function {
        let FunctionV1 { script, rand, reserved_concurrency, running_until, throttles } = v1;
        Function { script, rand: rand.into(), reserved_concurrency, running_until, throttles }
    }
}

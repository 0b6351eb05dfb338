//! Lambda in version 1 of the snapshot format. A change to [`Lambda`] needs
//! no change here unless it changes what is stored.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::Lambda;
use super::function::snapshot_v1::FunctionV1;
use super::mapping::snapshot_v1::EventSourceMappingV1;

#[derive(Default, Serialize, Deserialize)]
pub(crate) struct LambdaV1 {
    functions: BTreeMap<String, FunctionV1>,
    mappings: Vec<Option<EventSourceMappingV1>>,
}

impl From<Lambda> for LambdaV1 {
    fn from(lambda: Lambda) -> LambdaV1 {
        let Lambda { functions, mappings } = lambda;
        LambdaV1 {
            functions: crate::maps::convert_values(functions),
            mappings: mappings.into_iter().map(|mapping| mapping.map(Into::into)).collect(),
        }
    }
}

impl From<LambdaV1> for Lambda {
    fn from(v1: LambdaV1) -> Lambda {
        let LambdaV1 { functions, mappings } = v1;
        Lambda {
            functions: crate::maps::convert_values(functions),
            mappings: mappings.into_iter().map(|mapping| mapping.map(Into::into)).collect(),
        }
    }
}

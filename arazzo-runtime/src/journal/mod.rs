//! What a run records and replays: each request and the response it got ([`Exchange`], matched on
//! resume by the request's [`fingerprint`]), and the [`Checkpoint`] a failed run hands back to be
//! resumed from. Built from plain parts (ids, status, headers, body), so that what stores or reads
//! a record needs nothing of the run, its errors or its responses. Depends on `secrets` only.

mod checkpoint;
mod exchange;
mod fingerprint;

pub use checkpoint::{Checkpoint, ExposedCheckpoint};
pub(crate) use exchange::{Branch, Exchange};
pub(crate) use fingerprint::{Fnv1a, fingerprint};

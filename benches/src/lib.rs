//! Benchmarks of issue 5: the generated clients against hand-written reqwest code on loopback
//! fakes, plus the synthetic documents of the generation and build-cost measurements. See
//! `docs/BENCHMARKS.md` for the method and `scripts/bench.sh` for the commands.

pub mod handwritten;
pub mod scenario;
pub mod synthetic;

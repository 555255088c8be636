//! Several outputs of a step read from its response body in one walk, each straight into its type.
//!
//! Generated code reads a step's body outputs as one tuple (`(String, SecretString, i64)`) with
//! [`Run::outputs`](crate::Run::outputs): the body is walked once, however many outputs there are,
//! and nothing is parsed twice. A value the walk cannot answer (missing, of another type, a body
//! that is not JSON) is looked up in the parsed document instead, which gives the exact error.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::StepError;
use crate::reading::Response;
use crate::reading::body_pointer::{self, Slots};

/// A tuple of 2 to 12 values that [`Run::outputs`](crate::Run::outputs) reads from a response body,
/// one per JSON pointer. Implemented for tuples of deserializable types only.
pub trait Outputs: Sized + sealed::Sealed {
    /// One RFC 6901 JSON pointer per value: `[&'static str; N]`.
    type Pointers;

    /// Reads the values at `pointers` of `response`'s body.
    #[doc(hidden)]
    fn read(response: &Response, pointers: &Self::Pointers) -> Result<Self, StepError>;
}

mod sealed {
    pub trait Sealed {}
}

/// The values the walk found, or those of the parsed document where it found none.
fn take<T: DeserializeOwned>(found: Option<T>, response: &Response, pointer: &str) -> Result<T, StepError> {
    match found {
        Some(value) => Ok(value),
        None => response.extract_parsed(pointer),
    }
}

/// Walks `response`'s body once for all `pointers` unless it was parsed already; `slots` hold what
/// the walk answered, nothing when it gave up.
fn walk<S: Slots + Default>(response: &Response, pointers: &[&str]) -> S {
    let mut slots = S::default();
    if !response.is_parsed() && !body_pointer::read_many(response.body(), pointers, &mut slots) {
        slots = S::default();
    }
    slots
}

macro_rules! tuple_outputs {
    ($len:literal: $($name:ident $index:tt),+) => {
        impl<$($name: DeserializeOwned),+> sealed::Sealed for ($($name,)+) {}

        impl<$($name: DeserializeOwned),+> Outputs for ($($name,)+) {
            type Pointers = [&'static str; $len];

            fn read(response: &Response, pointers: &Self::Pointers) -> Result<Self, StepError> {
                let found: ($(Option<$name>,)+) = walk(response, pointers);
                Ok(($(take(found.$index, response, pointers[$index])?,)+))
            }
        }

        impl<$($name: DeserializeOwned),+> Slots for ($(Option<$name>,)+) {
            fn fill(&mut self, index: usize, value: Value) -> Result<(), serde_json::Error> {
                match index {
                    $($index => self.$index = Some($name::deserialize(value)?),)+
                    // No pointer has another index.
                    _ => {}
                }
                Ok(())
            }

            fn clear(&mut self, index: usize) {
                match index {
                    $($index => self.$index = None,)+
                    _ => {}
                }
            }
        }
    };
}

tuple_outputs!(2: T0 0, T1 1);
tuple_outputs!(3: T0 0, T1 1, T2 2);
tuple_outputs!(4: T0 0, T1 1, T2 2, T3 3);
tuple_outputs!(5: T0 0, T1 1, T2 2, T3 3, T4 4);
tuple_outputs!(6: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
tuple_outputs!(7: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
tuple_outputs!(8: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
tuple_outputs!(9: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
tuple_outputs!(10: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
tuple_outputs!(11: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
tuple_outputs!(12: T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11);

#[cfg(test)]
#[path = "outputs_tests.rs"]
mod tests;

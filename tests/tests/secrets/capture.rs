//! Everything a run writes to a log: every span and event of every `tracing` target at every level
//! (`arazzo_runtime`, `hyper_util`, the fakes' servers ...) with all their fields, and every `log`
//! record (reqwest logs through the `log` crate, not `tracing`).
//!
//! Both are installed once for the whole process rather than per thread, so that a span or event
//! emitted on any thread is seen; tests hold [`SERIAL`] while they run so that a capture holds
//! only their own run.

use std::fmt::{self, Write as _};
use std::sync::{Mutex, MutexGuard, Once};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};

/// Held by a test for its whole duration: one test at a time writes to the capture.
pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

static CAPTURED: Mutex<String> = Mutex::new(String::new());

fn captured_text() -> MutexGuard<'static, String> {
    // A panicking test must not hide the capture from the next one.
    CAPTURED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn push(line: &str) {
    let mut text = captured_text();
    text.push_str(line);
    text.push('\n');
}

/// Installs the capturing subscriber and logger, once.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Capture))
            .expect("this test binary installs the only global subscriber");
        log::set_logger(&LOGGER).expect("this test binary installs the only logger");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// Runs `future` and returns its output with everything logged meanwhile.
pub async fn capture<T>(future: impl Future<Output = T>) -> (T, String) {
    captured_text().clear();
    let output = future.await;
    let text = std::mem::take(&mut *captured_text());
    (output, text)
}

/// Records every span (with the fields it is created with and those recorded later) and every
/// event, whatever its level or target.
struct Capture;

impl<S: Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attributes: &Attributes<'_>, _id: &Id, _context: Context<'_, S>) {
        let metadata = attributes.metadata();
        let mut line = format!("span {} {} {}:", metadata.level(), metadata.target(), metadata.name());
        attributes.record(&mut Fields(&mut line));
        push(&line);
    }

    fn on_record(&self, _id: &Id, values: &Record<'_>, _context: Context<'_, S>) {
        let mut line = String::from("record:");
        values.record(&mut Fields(&mut line));
        push(&line);
    }

    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let metadata = event.metadata();
        let mut line = format!("event {} {}:", metadata.level(), metadata.target());
        event.record(&mut Fields(&mut line));
        push(&line);
    }
}

/// Writes every field as `name=value`: strings as they are (not escaped, so a secret cannot hide
/// behind `Debug` escaping), errors with their whole source chain, anything else through `Debug`.
struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let _ = write!(self.0, " {}={value} / {value:?}", field.name());
        let mut source = value.source();
        while let Some(error) = source {
            let _ = write!(self.0, " <- {error} / {error:?}");
            source = error.source();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

static LOGGER: Logger = Logger;

/// Records every `log` record into the same capture.
struct Logger;

impl log::Log for Logger {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        push(&format!("log {} {}: {}", record.level(), record.target(), record.args()));
    }

    fn flush(&self) {}
}

//! Retry timing for `retry` failure actions, and the bound on a run's transitions.
//!
//! A `retry` Failure Action waits before the step is sent again: the response's HTTP
//! `Retry-After` header when it has one (the spec says it SHOULD overrule the document),
//! otherwise the action's `retryAfter`, otherwise not at all. Every wait is capped at
//! [`MAX_RETRY_DELAY`].
//!
//! ```
//! use std::time::Duration;
//! use arazzo_runtime::retry::retry_delay;
//!
//! // No response (e.g. a timeout) and `retryAfter: 1.5`.
//! assert_eq!(retry_delay(None, Some(1.5)), Duration::from_millis(1500));
//! ```

use std::time::{Duration, SystemTime};

use crate::reading::Response;

/// How many times a `retry` action retries a step when it has no `retryLimit`: the spec says
/// "a single retry SHALL be attempted". The count is of retries, so a step with
/// `retryLimit: 1` is sent at most twice.
pub const DEFAULT_RETRY_LIMIT: u64 = 1;

/// The most times one run may enter a step (moving on, `goto` or `retry`) before it fails with
/// [`StepError::TooManyTransitions`](crate::StepError::TooManyTransitions).
///
/// `retryLimit` bounds each retry action, but Arazzo puts no bound on `goto`: two steps whose
/// failure actions go to each other, or a polling loop whose exit criterion never holds, would
/// otherwise run (and send requests) forever. Ten thousand is far more than any real workflow
/// takes, yet stops a loop within minutes at typical request latencies.
pub const MAX_TRANSITIONS: usize = 10_000;

/// The longest wait before a retry, whatever the `Retry-After` header or `retryAfter` says: a
/// hostile or broken server cannot park a run for days.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(60 * 60);

/// How long to wait before retrying a step.
///
/// - The response's `Retry-After` header, when present and valid (RFC 9110: delta-seconds such
///   as `120`, or an HTTP-date, which is measured from now; a date in the past means zero),
///   takes precedence.
/// - Otherwise the action's `retryAfter` in seconds (fractions allowed; negative or NaN means
///   zero).
/// - Otherwise zero.
///
/// The result is capped at [`MAX_RETRY_DELAY`]. An invalid header (`soon`, `1.5`) is ignored.
pub fn retry_delay(response: Option<&Response>, retry_after_seconds: Option<f64>) -> Duration {
    retry_delay_at(response, retry_after_seconds, SystemTime::now())
}

/// [`retry_delay`] as if it were `now`.
fn retry_delay_at(response: Option<&Response>, retry_after_seconds: Option<f64>, now: SystemTime) -> Duration {
    let from_header =
        response.and_then(|response| response.header("retry-after")).and_then(|v| parse_retry_after(v, now));
    let delay = from_header.or_else(|| retry_after_seconds.map(seconds)).unwrap_or(Duration::ZERO);
    delay.min(MAX_RETRY_DELAY)
}

/// A `Retry-After` header value (RFC 9110 section 10.2.3), or `None` when it is neither form.
fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits, so parsing fails only on overflow: a very long wait, capped later.
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A document's `retryAfter`: negative and NaN are zero, too large is [`Duration::MAX`].
fn seconds(value: f64) -> Duration {
    if value.is_nan() || value <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(value).unwrap_or(Duration::MAX)
}

/// Waits for `duration` (returns at once for zero).
///
/// Needs a Tokio runtime with its time driver enabled, as the client's timeouts already do
/// (`#[tokio::main]` enables it).
pub async fn sleep(duration: Duration) {
    if !duration.is_zero() {
        tokio::time::sleep(duration).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    fn response_with_retry_after(value: &'static str) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
        Response::from_parts(503, headers, "")
    }

    /// 2015-10-21T07:28:00Z, the date of RFC 9110's example.
    fn example_now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480)
    }

    #[test]
    fn defaults_to_no_wait() {
        assert_eq!(retry_delay(None, None), Duration::ZERO);
        let plain = Response::from_parts(500, HeaderMap::new(), "");
        assert_eq!(retry_delay(Some(&plain), None), Duration::ZERO);
    }

    #[test]
    fn document_retry_after_in_fractional_seconds() {
        assert_eq!(retry_delay(None, Some(1.0)), Duration::from_secs(1));
        assert_eq!(retry_delay(None, Some(0.25)), Duration::from_millis(250));
        assert_eq!(retry_delay(None, Some(0.0)), Duration::ZERO);
        let plain = Response::from_parts(500, HeaderMap::new(), "");
        assert_eq!(retry_delay(Some(&plain), Some(2.5)), Duration::from_millis(2500));
    }

    #[test]
    fn negative_nan_and_huge_document_values_are_bounded() {
        assert_eq!(retry_delay(None, Some(-1.0)), Duration::ZERO);
        assert_eq!(retry_delay(None, Some(f64::NAN)), Duration::ZERO);
        assert_eq!(retry_delay(None, Some(f64::NEG_INFINITY)), Duration::ZERO);
        assert_eq!(retry_delay(None, Some(f64::INFINITY)), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(None, Some(1e300)), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(None, Some(7200.0)), MAX_RETRY_DELAY);
    }

    #[test]
    fn header_delta_seconds_overrules_the_document() {
        assert_eq!(retry_delay(Some(&response_with_retry_after("120")), Some(1.0)), Duration::from_secs(120));
        assert_eq!(retry_delay(Some(&response_with_retry_after("0")), Some(5.0)), Duration::ZERO);
        assert_eq!(retry_delay(Some(&response_with_retry_after(" 3 ")), None), Duration::from_secs(3));
    }

    #[test]
    fn hostile_headers_are_capped() {
        assert_eq!(retry_delay(Some(&response_with_retry_after("86400")), None), MAX_RETRY_DELAY);
        let overflow = response_with_retry_after("99999999999999999999999999999999");
        assert_eq!(retry_delay(Some(&overflow), Some(1.0)), MAX_RETRY_DELAY);
        let far = response_with_retry_after("Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(retry_delay(Some(&far), None), MAX_RETRY_DELAY);
    }

    #[test]
    fn invalid_headers_fall_back_to_the_document() {
        for value in ["", "soon", "1.5", "-5", "+5", "0x10", "Wed, 32 Oct 2015 07:28:00 GMT"] {
            let response = response_with_retry_after(value);
            assert_eq!(retry_delay(Some(&response), Some(2.0)), Duration::from_secs(2), "{value:?}");
            assert_eq!(retry_delay(Some(&response), None), Duration::ZERO, "{value:?}");
        }
    }

    #[test]
    fn header_http_date_is_measured_from_now() {
        let now = example_now();
        // All three forms RFC 9110 requires recipients to accept.
        for value in ["Wed, 21 Oct 2015 07:28:30 GMT", "Wednesday, 21-Oct-15 07:28:30 GMT", "Wed Oct 21 07:28:30 2015"]
        {
            let response = response_with_retry_after(value);
            assert_eq!(retry_delay_at(Some(&response), Some(1.0), now), Duration::from_secs(30), "{value:?}");
        }
    }

    #[test]
    fn header_http_date_in_the_past_means_now() {
        let now = example_now();
        let past = response_with_retry_after("Wed, 21 Oct 2015 07:27:00 GMT");
        assert_eq!(retry_delay_at(Some(&past), Some(5.0), now), Duration::ZERO);
        let at_now = response_with_retry_after("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(retry_delay_at(Some(&at_now), Some(5.0), now), Duration::ZERO);
    }

    #[test]
    fn constants() {
        assert_eq!(DEFAULT_RETRY_LIMIT, 1);
        assert_eq!(MAX_TRANSITIONS, 10_000);
        assert_eq!(MAX_RETRY_DELAY, Duration::from_secs(3600));
    }

    #[tokio::test]
    async fn sleep_waits_and_returns_at_once_for_zero() {
        let start = std::time::Instant::now();
        sleep(Duration::ZERO).await;
        sleep(Duration::from_millis(20)).await;
        assert!(start.elapsed() >= Duration::from_millis(20));
    }
}

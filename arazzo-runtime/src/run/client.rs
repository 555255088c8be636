//! The HTTP client shared by every workflow call, and its timeouts.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::encoding::encode;
use crate::error::StepError;
use crate::journal::Checkpoint;
use crate::run::context::RunContext;
use crate::run::step_timeout::StepDeadline;
use crate::transport::{Backend, DryRun};

/// Default limit for a whole request (connect, send, receive the body).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for the size of a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// Default number of idle connections kept open per host for reuse.
///
/// reqwest keeps every one (`usize::MAX`): after a burst of 10,000 concurrent rotations a client
/// held about 16,000 idle sockets, each a file descriptor. 32 covers steady concurrency up to 32
/// requests per host without reconnecting; above that, connections beyond 32 are closed when
/// their request ends and opened again when needed. Raise it with
/// [`ClientBuilder::pool_max_idle_per_host`] to the concurrency you run at.
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 32;
/// Default time an idle connection is kept open for reuse.
///
/// reqwest's default is 90 s. 30 s frees the sockets of a burst sooner, and stays below the idle
/// timeouts of common servers and load balancers (60 s for AWS load balancers, 75 s for nginx),
/// so that the client rarely reuses a connection the server is closing at that moment.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for a whole workflow run, retries and their waits included.
///
/// Ten minutes: far above what a rotation's few requests take, low enough that a run stuck in
/// retries is reported rather than left to hang a deployment.
pub const DEFAULT_WORKFLOW_TIMEOUT: Duration = Duration::from_secs(600);

/// The HTTP client generated workflows send their requests with. Cheap to clone (shared pool).
///
/// Redirects are not followed: a redirect would carry API-key headers to wherever the server
/// points, so a 3xx response is returned to the workflow, whose criteria then fail clearly.
/// Build it over your own `reqwest::Client` with [`Client::from_reqwest`] for other policies
/// (proxies, TLS roots, redirects).
#[derive(Clone, Debug)]
pub struct Client {
    backend: Backend,
    max_response_bytes: usize,
    workflow_timeout: Duration,
    /// The request timeout the reqwest client was built with; `None` when unknown (a client from
    /// [`Client::from_reqwest`]), and runs then bound each request with a timer of their own.
    request_timeout: Option<Duration>,
    /// Base URLs parsed by earlier runs: every run of a workflow sends to the same few.
    base_urls: Arc<BaseUrls>,
    /// Set on the client a run hands to the workflows it calls, so that they share its deadline
    /// and its record of exchanges; `None` on clients users make.
    context: Option<Arc<RunContext>>,
    /// The step span of the run that hands this client to a workflow it calls, so that the called
    /// workflow's span is a child of the step that called it; `None` on clients users make.
    parent_span: Option<tracing::Span>,
    /// The `timeout` of the step that hands this client to the workflow it calls: every request
    /// and retry wait of that workflow's run (and of the workflows it calls) ends by then.
    step_deadline: Option<StepDeadline>,
}

impl Client {
    /// A client with a 30 s request timeout, a 10 s connect timeout, and at most 32 idle
    /// connections per host kept for 30 s.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            workflow_timeout: DEFAULT_WORKFLOW_TIMEOUT,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
        }
    }

    /// Uses an existing reqwest client with all its settings (timeouts, redirects, TLS, proxy).
    pub fn from_reqwest(client: reqwest::Client) -> Self {
        Self::with_backend(Backend::Http(Ok(client)))
    }

    pub(crate) fn with_backend(backend: Backend) -> Self {
        Self::assemble(backend, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_WORKFLOW_TIMEOUT, None)
    }

    fn assemble(
        backend: Backend,
        max_response_bytes: usize,
        workflow_timeout: Duration,
        request_timeout: Option<Duration>,
    ) -> Self {
        Self {
            backend,
            max_response_bytes,
            workflow_timeout,
            request_timeout,
            base_urls: Arc::default(),
            context: None,
            parent_span: None,
            step_deadline: None,
        }
    }

    /// The run this client belongs to, if it belongs to one.
    pub(crate) fn run_context(&self) -> Option<&Arc<RunContext>> {
        self.context.as_ref()
    }

    /// The span a run started with this client is a child of (see `parent_span`).
    pub(crate) fn parent_span(&self) -> Option<&tracing::Span> {
        self.parent_span.as_ref()
    }

    pub(crate) fn set_parent_span(&mut self, span: tracing::Span) {
        self.parent_span = Some(span);
    }

    /// This client for one run: the same settings, plus the run's deadline and record, which are
    /// also returned. A client that already belongs to a run (handed to a called workflow) stays
    /// in that run.
    pub(crate) fn for_run(&self) -> (Self, Arc<RunContext>) {
        let mut client = self.clone();
        let context =
            client.context.get_or_insert_with(|| Arc::new(RunContext::new(self.workflow_timeout, Vec::new()))).clone();
        (client, context)
    }

    /// This client for a workflow called by step `step`, whose `timeout` (Arazzo 1.1) is `limit`:
    /// the called workflow's run must end within `limit` from now, or the request or retry wait
    /// in progress fails with [`StepError::StepTimeout`](crate::StepError::StepTimeout) naming
    /// `step`. A sooner deadline this client already carries (an outer step's) stays in force.
    /// Generated code calls it for each attempt of such a step.
    pub fn within_step(&self, step: &'static str, limit: Duration) -> Self {
        let mut client = self.clone();
        client.step_deadline =
            StepDeadline::earliest(self.step_deadline, Some(StepDeadline::starting_now(step, limit)));
        client
    }

    /// The step deadline a called workflow's run inherits (see [`Client::within_step`]).
    pub(crate) fn step_deadline(&self) -> Option<StepDeadline> {
        self.step_deadline
    }

    /// This client for a branch of a run (a step running concurrently with others): the workflows
    /// the step calls record into `context`.
    pub(crate) fn in_context(&self, context: Arc<RunContext>) -> Self {
        let mut client = self.clone();
        client.context = Some(context);
        client
    }

    /// This client for resuming a failed run from `checkpoint`: requests the checkpoint recorded
    /// are answered from it, the rest are sent. Generated `resume_...` functions call it.
    #[doc(hidden)]
    pub fn resuming(&self, checkpoint: Checkpoint) -> Self {
        let mut client = self.clone();
        client.context = Some(Arc::new(RunContext::resuming(self.workflow_timeout, checkpoint)));
        client
    }

    /// Limits the size of response bodies (default 32 MiB); a larger body fails the step.
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Limits each workflow run (default [`DEFAULT_WORKFLOW_TIMEOUT`]): once it is spent, the
    /// step in progress fails with [`StepError::WorkflowTimeout`](crate::StepError::WorkflowTimeout), and a retry that would wait
    /// past it fails at once instead of waiting.
    pub fn with_workflow_timeout(mut self, limit: Duration) -> Self {
        self.workflow_timeout = limit;
        self
    }

    /// The limit for each workflow run.
    pub fn workflow_timeout(&self) -> Duration {
        self.workflow_timeout
    }

    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    pub(crate) fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// The limit of each request, when known (see `request_timeout`).
    pub(crate) fn request_timeout(&self) -> Option<Duration> {
        self.request_timeout
    }

    /// `base_url` parsed and checked ([`encode::parse_base_url`]), from the cache when an earlier
    /// run of this client (or of a clone) parsed it already.
    pub(crate) fn parse_base_url(&self, base_url: &str) -> Result<Arc<reqwest::Url>, StepError> {
        self.base_urls.parse(base_url)
    }
}

/// Parsed base URLs by their text. A few at most in practice (one per source description and
/// server); bounded all the same, since base URLs can come from responses (Backblaze's `apiUrl`).
#[derive(Default)]
struct BaseUrls(Mutex<Vec<(Box<str>, Arc<reqwest::Url>)>>);

impl BaseUrls {
    const CAPACITY: usize = 16;

    fn parse(&self, base_url: &str) -> Result<Arc<reqwest::Url>, StepError> {
        let mut parsed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, url)) = parsed.iter().find(|(text, _)| &**text == base_url) {
            return Ok(Arc::clone(url));
        }
        let url = Arc::new(encode::parse_base_url(base_url)?);
        if parsed.len() == Self::CAPACITY {
            parsed.remove(0);
        }
        parsed.push((base_url.into(), Arc::clone(&url)));
        Ok(url)
    }
}

impl fmt::Debug for BaseUrls {
    /// The count only: a base URL may carry a user name and password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.lock().unwrap_or_else(PoisonError::into_inner).len();
        f.debug_struct("BaseUrls").field("parsed", &count).finish()
    }
}

// Here rather than with `DryRun`, so that the transport needs nothing of the run.
impl DryRun {
    /// A [`Client`] whose requests this dry run answers; nothing goes over the network.
    pub fn client(&self) -> Client {
        Client::with_backend(Backend::DryRun(self.clone()))
    }
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

/// Settings for a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    request_timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    workflow_timeout: Duration,
    pool_max_idle_per_host: usize,
    pool_idle_timeout: Duration,
}

/// The HTTP client could not be built (for example the TLS backend failed to initialise).
#[derive(Clone, Debug, thiserror::Error)]
#[error("the HTTP client could not be built: {message}")]
pub struct ClientBuildError {
    message: String,
}

impl ClientBuilder {
    /// Limit for a whole request, from connecting to the end of the response body.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Limit for establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limit for the size of a response body.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Limit for a whole workflow run, retries and their waits included; see
    /// [`Client::with_workflow_timeout`].
    pub fn workflow_timeout(mut self, limit: Duration) -> Self {
        self.workflow_timeout = limit;
        self
    }

    /// Most idle connections kept open per host for reuse (default
    /// [`DEFAULT_POOL_MAX_IDLE_PER_HOST`]); 0 closes each connection after its request.
    ///
    /// Each open connection holds a file descriptor: at most one per request in flight, plus
    /// this many idle ones per host between requests.
    pub fn pool_max_idle_per_host(mut self, limit: usize) -> Self {
        self.pool_max_idle_per_host = limit;
        self
    }

    /// How long an idle connection is kept open for reuse (default [`DEFAULT_POOL_IDLE_TIMEOUT`]).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Builds the client. Should building fail, every request made with it fails with
    /// [`StepError::Transport`](crate::StepError::Transport); use [`ClientBuilder::try_build`] to find out now.
    pub fn build(self) -> Client {
        let backend = Backend::Http(self.reqwest().map_err(|error| Arc::from(error.message)));
        Client::assemble(backend, self.max_response_bytes, self.workflow_timeout, Some(self.request_timeout))
    }

    /// Builds the client, or says why it cannot be built.
    pub fn try_build(self) -> Result<Client, ClientBuildError> {
        let backend = Backend::Http(Ok(self.reqwest()?));
        Ok(Client::assemble(backend, self.max_response_bytes, self.workflow_timeout, Some(self.request_timeout)))
    }

    fn reqwest(&self) -> Result<reqwest::Client, ClientBuildError> {
        let builder = reqwest::Client::builder()
            .timeout(self.request_timeout)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_idle_timeout(self.pool_idle_timeout);
        crate::transport::tls::configure(builder)
            .map_err(|message| ClientBuildError { message })?
            .build()
            .map_err(|error| ClientBuildError { message: crate::transport::send::describe_reqwest_error(&error) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_client_builds() {
        let client = Client::default();
        assert!(matches!(client.backend(), Backend::Http(Ok(_))));
        assert_eq!(client.max_response_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
        assert_eq!(client.workflow_timeout(), DEFAULT_WORKFLOW_TIMEOUT);
    }

    #[test]
    fn base_urls_are_parsed_once_per_client_and_shared_by_its_clones() {
        let client = Client::new();
        let url = client.parse_base_url("http://a.test/v1/").unwrap();
        assert_eq!(url.as_str(), "http://a.test/v1/");
        let run_client = client.clone();
        assert_eq!(run_client.parse_base_url("http://a.test/v1/").unwrap(), url);
        assert_eq!(format!("{:?}", client.base_urls), "BaseUrls { parsed: 1 }");
        // Refusals are not cached, and say why each time.
        for _ in 0..2 {
            assert!(matches!(client.parse_base_url("ftp://a.test"), Err(StepError::InvalidBaseUrl { .. })));
        }
        // Bounded: the oldest goes first.
        for index in 0..BaseUrls::CAPACITY {
            client.parse_base_url(&format!("http://host{index}.test")).unwrap();
        }
        assert_eq!(format!("{:?}", client.base_urls), format!("BaseUrls {{ parsed: {} }}", BaseUrls::CAPACITY));
        let cached = client.base_urls.0.lock().unwrap();
        assert!(!cached.iter().any(|(text, _)| &**text == "http://a.test/v1/"));
        assert!(cached.iter().any(|(text, _)| &**text == "http://host15.test"));
    }

    #[test]
    fn a_base_url_with_a_password_is_refused_and_not_in_debug_output() {
        let client = Client::new();
        let error = client.parse_base_url("https://user:hunter2@a.test").unwrap_err();
        assert!(matches!(error, StepError::InvalidBaseUrl { .. }));
        assert!(!format!("{error} {error:?} {client:?}").contains("hunter2"));
    }

    #[test]
    fn builder_sets_limits() {
        let client = Client::builder()
            .request_timeout(Duration::from_millis(5))
            .connect_timeout(Duration::from_millis(5))
            .max_response_bytes(10)
            .workflow_timeout(Duration::from_secs(7))
            .try_build()
            .unwrap();
        assert_eq!(client.max_response_bytes(), 10);
        assert_eq!(client.workflow_timeout(), Duration::from_secs(7));
        let client = client.with_max_response_bytes(20).with_workflow_timeout(Duration::from_secs(8));
        assert_eq!(client.max_response_bytes(), 20);
        assert_eq!(client.workflow_timeout(), Duration::from_secs(8));
    }
}

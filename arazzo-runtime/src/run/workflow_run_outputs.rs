//! Reading a step's outputs in a [`Run`]: from the response body (JSON pointers, JSONPath and
//! XPath selectors), its headers and what the request sent, each failure the step's.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Run;
use crate::error::{StepError, WorkflowError};
use crate::reading::{Outputs, Response};

impl<P: Clone> Run<P> {
    /// Reads a `T` at an RFC 6901 JSON pointer of the response body (`""`: the whole body).
    pub fn output<T: DeserializeOwned>(
        &mut self,
        response: &Response,
        pointer: &'static str,
    ) -> Result<T, WorkflowError<P>> {
        response.extract(pointer).map_err(|error| self.fail_after_success(error, response))
    }

    /// Reads 2 to 12 outputs at once, one per RFC 6901 JSON pointer of the response body, as a
    /// tuple of their types: the body is walked once for all of them.
    pub fn outputs<O: Outputs>(&mut self, response: &Response, pointers: O::Pointers) -> Result<O, WorkflowError<P>> {
        O::read(response, &pointers).map_err(|error| self.fail_after_success(error, response))
    }

    /// Checks that the response body has a value at `pointer`, without reading it: for an output
    /// no later step or workflow output reads, which the step must still produce (a large list
    /// nobody reads costs no memory). Fails like [`Run::output`] would.
    pub fn unread(&mut self, response: &Response, pointer: &'static str) -> Result<(), WorkflowError<P>> {
        response.check_unread(pointer, false).map_err(|error| self.fail_after_success(error, response))
    }

    /// [`Run::unread`] for an output whose type is a list: the value must be an array.
    pub fn unread_array(&mut self, response: &Response, pointer: &'static str) -> Result<(), WorkflowError<P>> {
        response.check_unread(pointer, true).map_err(|error| self.fail_after_success(error, response))
    }

    /// Reads a `T`: the one node a singular JSONPath `query` (an Arazzo 1.1 Selector Object) selects
    /// in the value at RFC 6901 pointer `context` of the response body (`""`: the whole body). Fails
    /// like [`Run::output`] when it selects nothing or a value of another type.
    pub fn select<T: DeserializeOwned>(
        &mut self,
        response: &Response,
        context: &'static str,
        query: &'static str,
    ) -> Result<T, WorkflowError<P>> {
        response.select(context, query).map_err(|error| self.fail_after_success(error, response))
    }

    /// Every node a JSONPath `query` selects in the value at `context` of the response body, in
    /// document order: an output whose selector may select several nodes (or none).
    pub fn select_all(
        &mut self,
        response: &Response,
        context: &'static str,
        query: &'static str,
    ) -> Result<Vec<Value>, WorkflowError<P>> {
        response.select_all(context, query).map_err(|error| self.fail_after_success(error, response))
    }

    /// [`Run::select_all`] for a query that embeds values (Arazzo 1.1): [`Response::select_all_with`].
    pub fn select_all_with(
        &mut self,
        response: &Response,
        context: &'static str,
        query: &'static str,
        pieces: &[crate::condition::embedded::Piece<'_>],
    ) -> Result<Vec<Value>, WorkflowError<P>> {
        response.select_all_with(context, query, pieces).map_err(|error| self.fail_after_success(error, response))
    }

    /// What an XPath Selector Object selects in the whole response body, as JSON (`null` when
    /// nothing): [`xpath::select_body`](crate::criteria::xpath::select_body), failing like [`Run::output`].
    #[cfg(feature = "xpath")]
    pub fn xpath_output(
        &mut self,
        response: &Response,
        xpath: crate::criteria::xpath::XPath,
    ) -> Result<Value, WorkflowError<P>> {
        self.xpath_output_with(response, xpath, &[])
    }

    /// [`xpath_output`](Self::xpath_output) for a selector with embedded runtime expressions, bound
    /// to `variables` (`$arazzo_v1`, ...; `null` when one is absent).
    #[cfg(feature = "xpath")]
    pub fn xpath_output_with(
        &mut self,
        response: &Response,
        xpath: crate::criteria::xpath::XPath,
        variables: &[crate::criteria::xpath::Variable<'_>],
    ) -> Result<Value, WorkflowError<P>> {
        crate::criteria::xpath::select_body_with(xpath, variables, response.body())
            .map_err(|error| self.fail_after_success(error, response))
    }

    /// [`select::jsonpath_node`](crate::select::jsonpath_node) in this run: the node a singular
    /// JSONPath selector picks in a value the workflow holds (an input, a step output), `None` when
    /// there is none.
    pub fn jsonpath_node(
        &self,
        query: &'static str,
        context: Option<&Value>,
    ) -> Result<Option<Value>, WorkflowError<P>> {
        crate::reading::select::jsonpath_node(query, context).map_err(|error| self.fail(error))
    }

    /// [`select::jsonpath_nodes`](crate::select::jsonpath_nodes) in this run: the nodes a JSONPath
    /// selector picks in a value the workflow holds, as a JSON array; `None` when the value is absent.
    pub fn jsonpath_nodes(
        &self,
        query: &'static str,
        context: Option<&Value>,
    ) -> Result<Option<Value>, WorkflowError<P>> {
        crate::reading::select::jsonpath_nodes(query, context).map_err(|error| self.fail(error))
    }

    /// [`select::jsonpath_nodes_with`](crate::select::jsonpath_nodes_with) in this run: a JSONPath
    /// selector that embeds values (Arazzo 1.1), over a value the workflow holds.
    pub fn jsonpath_nodes_with(
        &self,
        query: &'static str,
        pieces: &[crate::condition::embedded::Piece<'_>],
        context: Option<&Value>,
    ) -> Result<Option<Value>, WorkflowError<P>> {
        crate::reading::select::jsonpath_nodes_with(query, pieces, context).map_err(|error| self.fail(error))
    }

    /// Reads response header `name` as text.
    pub fn header_output(&mut self, response: &Response, name: &'static str) -> Result<String, WorkflowError<P>> {
        response.header_text(name).map_err(|error| self.fail_after_success(error, response))
    }

    /// A step output read from what the request sent (`$request.header.X`, `$request.query.q`,
    /// `$request.path.p`, `$request.body#/ptr`; `sent` is the response's `request_*` value), as `T`:
    /// [`StepError::NotSent`] when the request did not send it (an optional input left out), and
    /// [`StepError::Decode`] when it is not a `T` (the message names its JSON type, never its value). The response must come from a request that
    /// kept what it sent ([`Request::keep_sent`](crate::Request::keep_sent)).
    pub fn sent_output<T: DeserializeOwned>(
        &mut self,
        response: &Response,
        expression: &'static str,
        sent: Option<Value>,
    ) -> Result<T, WorkflowError<P>> {
        let read = match sent {
            None => Err(StepError::NotSent { expression }),
            Some(value) => {
                let found = crate::encoding::json::json_kind(&value);
                serde_json::from_value(value).map_err(|_| StepError::Decode {
                    message: format!("`{expression}` as sent is a JSON {found}, which is not the expected type"),
                })
            }
        };
        read.map_err(|error| self.fail_after_success(error, response))
    }
}

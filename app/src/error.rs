//! The one application error type, shared by axum handlers and server functions.
//!
//! Expected failures carry a message meant for the user. Internal failures carry only
//! the request id: the cause is logged on the server (see `AppError::internal`) and
//! never sent to the client.

use std::collections::BTreeMap;

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// Refused for a reason the user should read (e.g. an invitation for another
    /// address).
    #[error("{message}")]
    Denied { message: String },
    #[error("{what} was not found.")]
    NotFound { what: String },
    #[error("{message}")]
    Validation {
        message: String,
        /// Field name to the message shown beside that field.
        fields: BTreeMap<String, String>,
    },
    #[error("{message}")]
    Conflict { message: String },
    #[error("This request was refused: {reason}")]
    BadRequest { reason: String },
    #[error("{message}")]
    Locked { message: String },
    #[error("{message}")]
    ReadOnly { message: String },
    #[error("{message}")]
    BillingRequired { message: String },
    /// The plan lacks a feature or its limit is reached: the UI offers an upgrade.
    #[error("{message}")]
    UpgradeRequired {
        message: String,
        /// The feature id, when a feature (not a limit) is missing.
        feature: Option<String>,
        /// The organization's current plan id.
        plan: String,
        upgrade_url: String,
    },
    #[error("{message}")]
    RateLimited { message: String },
    /// The request's body is larger than this endpoint accepts.
    #[error("{message}")]
    TooLarge { message: String },
    #[error("Something went wrong on our side. We have been notified (reference {}).", request_id.as_deref().unwrap_or("unknown"))]
    Internal { request_id: Option<String> },
    /// Transport failures between the browser and a server function.
    #[error("The server could not be reached: {message}")]
    Transport { message: String },
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    pub fn bad_request(reason: impl Into<String>) -> Self {
        Self::BadRequest {
            reason: reason.into(),
        }
    }

    pub fn too_large() -> Self {
        Self::TooLarge {
            message: "The request is too large.".into(),
        }
    }

    /// A validation failure for a single field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Validation {
            fields: BTreeMap::from([(field.to_owned(), message.clone())]),
            message,
        }
    }

    /// HTTP status that represents this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden | Self::Denied { .. } | Self::UpgradeRequired { .. } => 403,
            Self::NotFound { .. } => 404,
            Self::Validation { .. } => 422,
            Self::Conflict { .. } => 409,
            Self::BadRequest { .. } => 400,
            Self::Locked { .. } => 403,
            Self::ReadOnly { .. } => 403,
            Self::BillingRequired { .. } => 402,
            Self::RateLimited { .. } => 429,
            Self::TooLarge { .. } => 413,
            Self::Internal { .. } => 500,
            Self::Transport { .. } => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                Self::BadRequest { reason: message }
            }
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                Self::Transport { message }
            }
            other => Self::Transport {
                message: other.to_string(),
            },
        }
    }

    /// Serialises the error for the browser; on the server this is also where the
    /// response gets the error's HTTP status (server functions default to 500).
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(
                axum::http::StatusCode::from_u16(self.status())
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self).unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use axum::{
        Json,
        http::StatusCode,
        response::{IntoResponse, Response},
    };

    use super::AppError;
    use crate::server::request_id::current_request_id;

    impl AppError {
        /// Logs an unexpected failure with the request id and returns the error the
        /// user sees, which names only that id.
        pub fn internal(cause: impl std::fmt::Display) -> Self {
            let request_id = current_request_id();
            tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), error = %cause, "internal error");
            Self::Internal { request_id }
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            Self::internal(err)
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status =
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut body = serde_json::to_value(&self).unwrap_or_default();
            body["message"] = self.to_string().into();
            (status, Json(body)).into_response()
        }
    }
}

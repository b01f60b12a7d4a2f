//! ASB Partnership Hub: the GraphQL API of a multi-agency anti-social behaviour case record.

pub mod auth;
pub mod cli;
pub mod configuration;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod seed;
pub mod service;
pub mod startup;
pub mod telemetry;

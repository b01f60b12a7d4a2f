//! The policy's rules, one file per area of the schema. Adding a field to the schema without
//! classifying it here makes it unreadable (deny by default) and fails the coverage test.

mod admin;
mod alerts;
mod audit;
mod cases;
mod connection;
mod data_protection;
mod identity;
mod risk;
mod safety;

use super::Area;

pub static AREAS: &[&Area] = &[
    &identity::AREA,
    &connection::AREA,
    &admin::AREA,
    &audit::AREA,
    &cases::AREA,
    &alerts::AREA,
    &risk::AREA,
    &safety::AREA,
    &data_protection::AREA,
];

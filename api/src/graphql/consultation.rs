//! Consultation records (DPA 2018 s.62): which fields of which person a user read.
//!
//! Person resolvers note each personal-data field they return; only fields the guard let through
//! are resolved, so only what was actually disclosed is noted. After the request executes, the
//! HTTP layer appends one access-log entry per person read.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Mutex,
};

use uuid::Uuid;

use crate::service::audit::Entry;

#[derive(Default)]
pub struct Consultations(Mutex<BTreeMap<Uuid, BTreeSet<&'static str>>>);

impl Consultations {
    pub fn note(&self, person: Uuid, field: &'static str) {
        if let Ok(mut map) = self.0.lock() {
            map.entry(person).or_default().insert(field);
        }
    }

    /// One entry per person, naming the fields read.
    pub fn entries(&self, operation: &str) -> Vec<Entry> {
        let Ok(map) = self.0.lock() else {
            return Vec::new();
        };
        map.iter()
            .map(|(id, fields)| {
                Entry::new("consult")
                    .entity("Person", id)
                    .fields(fields.iter().copied())
                    .detail(format!("operation {operation}"))
            })
            .collect()
    }
}

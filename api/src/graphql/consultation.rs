//! Consultation records (DPA 2018 s.62): which fields of which person or document a user read.
//!
//! Person resolvers note each personal-data field they return, and a document's content notes
//! itself when it is read; only fields the guard let through are resolved, so only what was
//! actually disclosed is noted. After the request executes, the HTTP layer appends one access-log
//! entry per record read.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Mutex,
};

use uuid::Uuid;

use crate::service::audit::Entry;

#[derive(Default)]
pub struct Consultations(Mutex<BTreeMap<(&'static str, Uuid), BTreeSet<&'static str>>>);

impl Consultations {
    /// A person's field was disclosed.
    pub fn note(&self, person: Uuid, field: &'static str) {
        self.note_on("Person", person, field);
    }

    /// A field of another kind of record (`entity` is its GraphQL type) was disclosed.
    pub fn note_on(&self, entity: &'static str, id: Uuid, field: &'static str) {
        if let Ok(mut map) = self.0.lock() {
            map.entry((entity, id)).or_default().insert(field);
        }
    }

    /// One entry per record, naming the fields read.
    pub fn entries(&self, operation: &str) -> Vec<Entry> {
        let Ok(map) = self.0.lock() else {
            return Vec::new();
        };
        map.iter()
            .map(|((entity, id), fields)| {
                Entry::new("consult")
                    .entity(entity, id)
                    .fields(fields.iter().copied())
                    .detail(format!("operation {operation}"))
            })
            .collect()
    }
}

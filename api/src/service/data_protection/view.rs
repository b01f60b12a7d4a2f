//! Building the export's JSON objects through the field policy: a field goes in only when the
//! policy lets the user's roles read it, exactly as it would through the GraphQL schema, so the
//! export discloses nothing a query could not.

use serde_json::{Map, Value};

use crate::auth::policy::{self, Disclosure, FieldCatalog, FieldDecision, Permissions};

/// The user's permissions, and whether the exported person is a victim in a case the user's
/// agency may see (for `Victim.<field>` grants).
pub struct View<'a> {
    permissions: &'a Permissions,
    catalog: &'static FieldCatalog,
    person_is_victim: bool,
}

impl<'a> View<'a> {
    pub fn new(permissions: &'a Permissions, person_is_victim: bool) -> Self {
        Self {
            permissions,
            catalog: policy::catalog(),
            person_is_victim,
        }
    }

    /// Whether `type_name.field` may be read. Unclassified fields never are.
    pub fn allows(&self, type_name: &str, field: &str) -> bool {
        if type_name == "Person" && self.catalog.is_restricted(type_name, field) {
            return match policy::person_disclosure(self.permissions, field) {
                Disclosure::Always => true,
                Disclosure::IfVictim => self.person_is_victim,
                Disclosure::Never => false,
            };
        }
        self.catalog
            .decide(Some(self.permissions), type_name, field)
            == FieldDecision::Allow
    }

    pub fn object(&self, type_name: &'static str) -> Obj<'_, 'a> {
        Obj {
            view: self,
            type_name,
            map: Map::new(),
            disclosed: Vec::new(),
        }
    }
}

/// One object of the export, of one GraphQL type.
pub struct Obj<'v, 'a> {
    view: &'v View<'a>,
    type_name: &'static str,
    map: Map<String, Value>,
    disclosed: Vec<&'static str>,
}

impl Obj<'_, '_> {
    /// Adds `field` when the user may read it.
    pub fn put(mut self, field: &'static str, value: impl Into<Value>) -> Self {
        if self.view.allows(self.type_name, field) {
            self.map.insert(field.to_string(), value.into());
            self.disclosed.push(field);
        }
        self
    }

    /// Adds `field` when the user may read it, computing the value only then.
    pub fn put_with(mut self, field: &'static str, value: impl FnOnce() -> Value) -> Self {
        if self.view.allows(self.type_name, field) {
            self.map.insert(field.to_string(), value());
            self.disclosed.push(field);
        }
        self
    }

    /// The fields added so far.
    pub fn disclosed(&self) -> &[&'static str] {
        &self.disclosed
    }

    pub fn done(self) -> Value {
        Value::Object(self.map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(p: &mut Permissions, t: &str, f: &str) {
        p.read.insert((t.to_string(), f.to_string()));
    }

    #[test]
    fn only_granted_fields_go_in() {
        let mut p = Permissions::default();
        grant(&mut p, "Case", "title");
        let view = View::new(&p, false);
        let v = view
            .object("Case")
            .put("id", "c1")
            .put("title", "t")
            .put("policeIntelligence", "secret")
            .put("noSuchField", 1)
            .done();
        assert_eq!(v, serde_json::json!({ "id": "c1", "title": "t" }));
    }

    #[test]
    fn victim_grants_apply_only_to_victims() {
        let mut p = Permissions::default();
        grant(&mut p, policy::VICTIM, "phone");
        grant(&mut p, "Person", "givenName");
        for (victim, expected) in [
            (
                true,
                serde_json::json!({ "id": "p", "givenName": "A", "phone": "1" }),
            ),
            (false, serde_json::json!({ "id": "p", "givenName": "A" })),
        ] {
            let view = View::new(&p, victim);
            let v = view
                .object("Person")
                .put("id", "p")
                .put("givenName", "A")
                .put("phone", "1")
                .put("email", "e")
                .done();
            assert_eq!(v, expected);
        }
    }
}

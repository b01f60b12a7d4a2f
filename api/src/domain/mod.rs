//! Validated domain types and pure rules. Inputs are parsed into these once; services accept only
//! these, so invalid data cannot reach the database.

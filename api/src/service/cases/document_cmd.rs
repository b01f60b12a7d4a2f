//! Evidence attached to a case: diary sheets, letters, photographs.
//!
//! An upload is parsed whole before anything is written: at most [`MAX_BYTES`] once decoded, a
//! content type from [`ALLOWED_TYPES`] that the content's own first bytes confirm (so a renamed
//! executable is not stored as a PDF), and a plain file name with no path in it. Listings select
//! the metadata columns only; the content is read on demand, by document id.

use std::collections::HashMap;

use base64::Engine;
use chrono::{DateTime, Utc};
use entity::document;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DerivePartialModel,
    EntityTrait, QueryFilter, QueryOrder, Select,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    auth::{Principal, policy},
    domain::LongText,
    error::{AppError, AppResult},
    service::audit::{self, Entry},
};

/// The largest document accepted, in bytes once decoded: 1 MiB.
pub const MAX_BYTES: usize = 1024 * 1024;
pub const MAX_FILE_NAME_CHARS: usize = 200;
pub const ALLOWED_TYPES: &[&str] = &["application/pdf", "image/jpeg", "image/png", "text/plain"];

/// A validated upload.
#[derive(Debug)]
pub struct NewDocument {
    file_name: String,
    content_type: &'static str,
    content: Vec<u8>,
    description: Option<LongText>,
}

impl NewDocument {
    pub fn parse(
        file_name: &str,
        content_type: &str,
        content_base64: &str,
        description: Option<LongText>,
    ) -> AppResult<Self> {
        let file_name = parse_file_name(file_name)?;
        let content_type = parse_content_type(content_type)?;
        let content = decode(content_base64)?;
        if !content_matches(content_type, &content) {
            return Err(AppError::bad_input(
                "contentBase64",
                format!("the content is not {content_type}"),
            ));
        }
        Ok(Self {
            file_name,
            content_type,
            content,
            description,
        })
    }

    fn fields(&self) -> Vec<&'static str> {
        let mut f = vec!["fileName", "contentType", "contentBase64"];
        if self.description.is_some() {
            f.push("description");
        }
        f
    }
}

fn parse_file_name(raw: &str) -> AppResult<String> {
    let name = raw.trim();
    let refuse = |m: &str| Err(AppError::bad_input("fileName", m));
    if name.is_empty() {
        return refuse("must not be empty");
    }
    if name.chars().count() > MAX_FILE_NAME_CHARS {
        return refuse("must be at most 200 characters");
    }
    if name
        .chars()
        .any(|c| matches!(c, '/' | '\\') || c.is_control())
    {
        return refuse("must be a plain file name, without path separators or control characters");
    }
    if name.chars().all(|c| c == '.') {
        return refuse("must be a plain file name");
    }
    Ok(name.to_string())
}

/// The media type without parameters (`text/plain; charset=utf-8` is `text/plain`).
fn parse_content_type(raw: &str) -> AppResult<&'static str> {
    let essence = raw.split(';').next().unwrap_or_default().trim();
    ALLOWED_TYPES
        .iter()
        .copied()
        .find(|t| t.eq_ignore_ascii_case(essence))
        .ok_or_else(|| {
            AppError::bad_input(
                "contentType",
                format!("must be one of: {}", ALLOWED_TYPES.join(", ")),
            )
        })
}

fn decode(raw: &str) -> AppResult<Vec<u8>> {
    let raw = raw.trim();
    let too_large = || AppError::bad_input("contentBase64", "must be at most 1 MiB once decoded");
    // Refuse before decoding what cannot fit: 4 characters encode 3 bytes.
    if raw.len() > MAX_BYTES.div_ceil(3) * 4 {
        return Err(too_large());
    }
    let content = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .map_err(|_| AppError::bad_input("contentBase64", "not valid base64"))?;
    if content.is_empty() {
        return Err(AppError::bad_input("contentBase64", "must not be empty"));
    }
    if content.len() > MAX_BYTES {
        return Err(too_large());
    }
    Ok(content)
}

/// Whether the content's first bytes are those of `content_type`.
fn content_matches(content_type: &str, content: &[u8]) -> bool {
    match content_type {
        "application/pdf" => content.starts_with(b"%PDF"),
        "image/jpeg" => content.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => content.starts_with(&[0x89, b'P', b'N', b'G']),
        "text/plain" => !content.contains(&0) && std::str::from_utf8(content).is_ok(),
        _ => false,
    }
}

/// A document without its content.
#[derive(Clone, Debug, DerivePartialModel)]
#[sea_orm(entity = "document::Entity")]
pub struct DocumentMeta {
    pub id: Uuid,
    pub case_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
}

#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "document::Entity")]
struct DocumentContent {
    id: Uuid,
    content: Vec<u8>,
}

fn of_cases(case_ids: &[Uuid]) -> Select<document::Entity> {
    document::Entity::find()
        .filter(document::Column::CaseId.is_in(case_ids.to_vec()))
        .order_by_asc(document::Column::CreatedAt)
        .order_by_asc(document::Column::Id)
}

/// The metadata of the documents of `case_ids` (already checked visible), oldest first.
pub async fn metadata_of_cases(
    db: &DatabaseConnection,
    case_ids: &[Uuid],
) -> AppResult<Vec<DocumentMeta>> {
    Ok(of_cases(case_ids)
        .into_partial_model::<DocumentMeta>()
        .all(db)
        .await?)
}

/// The content of documents by id (reached through a visible case).
pub async fn contents(db: &DatabaseConnection, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<u8>>> {
    let rows = document::Entity::find()
        .filter(document::Column::Id.is_in(ids.to_vec()))
        .into_partial_model::<DocumentContent>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.content)).collect())
}

pub async fn attach(
    db: &DatabaseConnection,
    principal: &Principal,
    case_id: Uuid,
    new: NewDocument,
) -> AppResult<DocumentMeta> {
    let actor = principal.actor()?;
    let fields = new.fields();
    policy::check_writes(&actor.permissions, "Document", &fields)?;
    let txn = crate::db::begin_write(db).await?;
    super::query::get(&txn, actor, case_id).await?;
    let now = Utc::now();
    let sha256 = hex::encode(Sha256::digest(&new.content));
    let size_bytes = i64::try_from(new.content.len())
        .map_err(|_| AppError::internal("document size does not fit i64"))?;
    let description = new.description.map(LongText::into_string);
    let meta = DocumentMeta {
        id: Uuid::new_v4(),
        case_id,
        file_name: new.file_name,
        content_type: new.content_type.to_string(),
        size_bytes,
        sha256,
        description,
        created_at: now,
        created_by: Some(actor.user_id),
    };
    document::ActiveModel {
        id: Set(meta.id),
        case_id: Set(case_id),
        file_name: Set(meta.file_name.clone()),
        content_type: Set(meta.content_type.clone()),
        size_bytes: Set(size_bytes),
        sha256: Set(meta.sha256.clone()),
        content: Set(new.content),
        description: Set(meta.description.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(Some(actor.user_id)),
        updated_by: Set(Some(actor.user_id)),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        principal,
        Entry::new("attachDocument")
            .entity("Case", case_id)
            .fields(fields)
            .detail(format!(
                "document {} ({}, {size_bytes} bytes)",
                meta.id, meta.content_type
            )),
    )
    .await?;
    txn.commit().await?;
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use sea_orm::DbBackend;

    use super::*;

    fn field_of(r: AppResult<NewDocument>) -> String {
        match r {
            Err(AppError::BadUserInput { field, .. }) => field,
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    fn b64(bytes: &[u8]) -> String {
        STANDARD.encode(bytes)
    }

    #[test]
    fn accepts_each_allowed_type_with_its_magic_bytes() {
        let cases: [(&str, &[u8]); 4] = [
            ("application/pdf", b"%PDF-1.7\n"),
            ("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            (
                "image/png",
                &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
            ),
            (
                "text/plain; charset=utf-8",
                "Diary: 3 May, noise until 2am – again".as_bytes(),
            ),
        ];
        for (ct, bytes) in cases {
            let doc = NewDocument::parse("evidence.bin", ct, &b64(bytes), None);
            assert!(doc.is_ok(), "{ct}: {doc:?}");
        }
    }

    #[test]
    fn refuses_wrong_magic_bytes_types_and_sizes() {
        let pdf = b64(b"%PDF-1.4");
        assert_eq!(
            field_of(NewDocument::parse("a.pdf", "image/png", &pdf, None)),
            "contentBase64"
        );
        assert_eq!(
            field_of(NewDocument::parse(
                "a.exe",
                "application/x-msdownload",
                &pdf,
                None
            )),
            "contentType"
        );
        assert_eq!(
            field_of(NewDocument::parse(
                "a.txt",
                "text/plain",
                &b64(b"a\0b"),
                None
            )),
            "contentBase64"
        );
        assert_eq!(
            field_of(NewDocument::parse(
                "a.txt",
                "text/plain",
                &b64(&[0xC3, 0x28]),
                None
            )),
            "contentBase64"
        );
        assert_eq!(
            field_of(NewDocument::parse(
                "a.txt",
                "text/plain",
                "not base64!",
                None
            )),
            "contentBase64"
        );
        assert_eq!(
            field_of(NewDocument::parse("a.txt", "text/plain", "", None)),
            "contentBase64"
        );
        let mut big = b"%PDF".to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        assert_eq!(
            field_of(NewDocument::parse(
                "a.pdf",
                "application/pdf",
                &b64(&big),
                None
            )),
            "contentBase64"
        );
        big.truncate(MAX_BYTES);
        assert!(NewDocument::parse("a.pdf", "application/pdf", &b64(&big), None).is_ok());
    }

    #[test]
    fn file_names_are_plain_names() {
        let ok = b64(b"hello");
        for bad in [
            "",
            "  ",
            "../etc/passwd",
            "dir/a.txt",
            "C:\\x\\a.txt",
            "..",
            "a\nb.txt",
        ] {
            assert_eq!(
                field_of(NewDocument::parse(bad, "text/plain", &ok, None)),
                "fileName",
                "{bad:?}"
            );
        }
        let long = "a".repeat(201);
        assert_eq!(
            field_of(NewDocument::parse(&long, "text/plain", &ok, None)),
            "fileName"
        );
        assert!(NewDocument::parse(&"a".repeat(200), "text/plain", &ok, None).is_ok());
        assert!(NewDocument::parse("Diary sheet (May).txt", "text/plain", &ok, None).is_ok());
    }

    #[test]
    fn listings_never_select_the_content() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let sql = of_cases(&[Uuid::nil()])
                .into_partial_model::<DocumentMeta>()
                .into_statement(backend)
                .to_string();
            assert!(sql.contains("\"file_name\""), "{sql}");
            assert!(!sql.contains("\"content\""), "{sql}");
        }
    }
}

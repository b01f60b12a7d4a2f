//! Evidence attached to a case. Listings carry metadata only; `contentBase64` loads the content
//! when it is asked for, batched per request.

use async_graphql::{Context, ID, Object};
use base64::Engine;
use chrono::{DateTime, Utc};

use super::types::gid;
use crate::{
    error::AppResult,
    graphql::{ContextExt, staff::User},
    service::cases::document_cmd::DocumentMeta,
};

/// A document attached to a case.
pub struct Document(pub DocumentMeta);

/// The documents of a visible case, oldest first.
pub async fn of_case(ctx: &Context<'_>, case_id: uuid::Uuid) -> AppResult<Vec<Document>> {
    let rows = ctx.loaders()?.case_documents.load_one(case_id).await?;
    Ok(rows.unwrap_or_default().into_iter().map(Document).collect())
}

#[Object]
impl Document {
    async fn id(&self) -> ID {
        gid(self.0.id)
    }
    async fn file_name(&self) -> Option<&str> {
        Some(&self.0.file_name)
    }
    async fn content_type(&self) -> Option<&str> {
        Some(&self.0.content_type)
    }
    /// Size in bytes (at most 1 MiB).
    async fn size_bytes(&self) -> Option<i32> {
        i32::try_from(self.0.size_bytes).ok()
    }
    /// SHA-256 of the content, lower-case hex.
    async fn sha256(&self) -> Option<&str> {
        Some(&self.0.sha256)
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn uploaded_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.created_at)
    }
    async fn uploaded_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        match self.0.created_by {
            Some(id) => Ok(ctx.loaders()?.users.load_one(id).await?.map(User)),
            None => Ok(None),
        }
    }
    /// The content, base64-encoded (standard alphabet, padded).
    async fn content_base64(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        let content = ctx.loaders()?.document_contents.load_one(self.0.id).await?;
        if content.is_some() {
            ctx.consult_on("Document", self.0.id, "contentBase64");
        }
        Ok(content.map(|c| base64::engine::general_purpose::STANDARD.encode(c)))
    }
}

//! Administration: agencies, users, roles and their permissions.
//!
//! Resolvers only parse inputs into domain types (a bad value is `BAD_USER_INPUT` naming the
//! field, before anything is written) and call `service::admin`, which asks the policy and writes
//! the change with its access-log entry. Root fields need `MANAGE_USERS` or `MANAGE_ROLES`
//! (`auth/policy/rules/admin.rs`).

use async_graphql::{Context, ID, InputObject, Object};

use crate::{
    auth::policy::{self, Operation},
    domain::{AgencyKind, Email, LongText, PageRequest, PersonName, ShortText},
    error::AppResult,
    graphql::{
        ContextExt,
        connection::{Connection, from_page},
        staff::{Agency, OperationInfo, RestrictedField, Role, User, parse_id},
    },
    service::admin::{self, FieldGrant, NewAgency, NewPassword, NewRole, NewUser},
};

#[derive(Default)]
pub struct AdminQuery;

#[derive(Default)]
pub struct AdminMutation;

#[derive(InputObject)]
pub struct CreateAgencyInput {
    name: String,
    /// `police`, `council`, `housing`, `fire`, `health`, `victim_support` or `other`.
    kind: String,
}

#[derive(InputObject)]
pub struct CreateUserInput {
    agency_id: ID,
    email: String,
    display_name: String,
    team: Option<String>,
    /// The initial password: at least 12 characters.
    password: String,
    /// At least one role.
    role_ids: Vec<ID>,
    /// A dedicated vulnerable-victim officer: the agency's high-risk cases are assigned to them.
    vulnerable_victim_officer: Option<bool>,
}

#[derive(InputObject, Default)]
pub struct UserFilter {
    agency_id: Option<ID>,
    /// Filtering on `disabled` needs read permission on `User.disabled`.
    disabled: Option<bool>,
}

#[derive(InputObject)]
pub struct CreateRoleInput {
    name: String,
    description: Option<String>,
}

#[derive(InputObject)]
pub struct FieldPermissionInput {
    role_id: ID,
    /// A type and field listed by `restrictedFields`.
    type_name: String,
    field_name: String,
    read: bool,
    write: bool,
}

#[Object]
impl AdminQuery {
    /// Every agency, by name.
    async fn agencies(&self, ctx: &Context<'_>) -> AppResult<Vec<Agency>> {
        let rows = admin::list_agencies(ctx.db()?, ctx.principal()?).await?;
        Ok(rows.into_iter().map(Agency).collect())
    }

    /// Users by email, optionally filtered.
    #[graphql(complexity = "crate::graphql::limits::page(first, child_complexity)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        filter: Option<UserFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<User>> {
        let filter = filter.unwrap_or_default();
        let filter = admin::UserFilter {
            agency_id: filter
                .agency_id
                .as_ref()
                .map(|id| parse_id("agencyId", id))
                .transpose()?,
            disabled: filter.disabled,
        };
        let page = PageRequest::parse(
            first,
            after.as_deref(),
            ctx.settings()?.limits.max_page_size,
        )?;
        let users = admin::list_users(ctx.db()?, ctx.principal()?, filter, page).await?;
        Ok(from_page(users, User))
    }

    async fn user(&self, ctx: &Context<'_>, id: ID) -> AppResult<User> {
        let id = parse_id("id", &id)?;
        Ok(User(
            admin::get_user(ctx.db()?, ctx.principal()?, id).await?,
        ))
    }

    /// Every role, by name.
    async fn roles(&self, ctx: &Context<'_>) -> AppResult<Vec<Role>> {
        let rows = admin::list_roles(ctx.db()?, ctx.principal()?).await?;
        Ok(rows.into_iter().map(Role).collect())
    }

    async fn role(&self, ctx: &Context<'_>, id: ID) -> AppResult<Role> {
        let id = parse_id("id", &id)?;
        Ok(Role(
            admin::get_role(ctx.db()?, ctx.principal()?, id).await?,
        ))
    }

    /// Every operation a role can be granted.
    async fn operations(&self) -> Vec<OperationInfo> {
        Operation::ALL.iter().copied().map(Into::into).collect()
    }

    /// Every field that needs a per-role permission: what `setFieldPermission` accepts.
    async fn restricted_fields(&self) -> Vec<RestrictedField> {
        policy::catalog()
            .restricted_fields()
            .into_iter()
            .map(|(t, f)| RestrictedField {
                type_name: t.to_string(),
                field_name: f.to_string(),
            })
            .collect()
    }
}

#[Object]
impl AdminMutation {
    async fn create_agency(
        &self,
        ctx: &Context<'_>,
        input: CreateAgencyInput,
    ) -> AppResult<Agency> {
        let new = NewAgency {
            name: ShortText::parse("name", &input.name)?,
            kind: AgencyKind::parse("kind", &input.kind)?,
        };
        Ok(Agency(
            admin::create_agency(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Disables an agency (locking out its users at once) or re-enables it. `CONFLICT` if it
    /// would leave no administrator.
    async fn set_agency_disabled(
        &self,
        ctx: &Context<'_>,
        id: ID,
        disabled: bool,
    ) -> AppResult<Agency> {
        let id = parse_id("id", &id)?;
        let agency = admin::set_agency_disabled(ctx.db()?, ctx.principal()?, id, disabled).await?;
        Ok(Agency(agency))
    }

    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> AppResult<User> {
        let new = NewUser {
            agency_id: parse_id("agencyId", &input.agency_id)?,
            email: Email::parse("email", &input.email)?,
            display_name: PersonName::parse("displayName", &input.display_name)?,
            team: input
                .team
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| ShortText::parse("team", t))
                .transpose()?,
            password: NewPassword::parse("password", &input.password)?,
            role_ids: input
                .role_ids
                .iter()
                .map(|id| parse_id("roleIds", id))
                .collect::<AppResult<_>>()?,
            vulnerable_victim_officer: input.vulnerable_victim_officer.unwrap_or(false),
        };
        Ok(User(
            admin::create_user(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Disables a user (their sessions end at once) or re-enables them. `CONFLICT` if it would
    /// leave no administrator.
    async fn set_user_disabled(
        &self,
        ctx: &Context<'_>,
        id: ID,
        disabled: bool,
    ) -> AppResult<User> {
        let id = parse_id("id", &id)?;
        let user = admin::set_user_disabled(ctx.db()?, ctx.principal()?, id, disabled).await?;
        Ok(User(user))
    }

    /// Sets a new password (at least 12 characters) and ends the user's sessions.
    async fn reset_password(&self, ctx: &Context<'_>, id: ID, password: String) -> AppResult<User> {
        let id = parse_id("id", &id)?;
        let password = NewPassword::parse("password", &password)?;
        let user = admin::reset_password(ctx.db()?, ctx.principal()?, id, password).await?;
        Ok(User(user))
    }

    async fn create_role(&self, ctx: &Context<'_>, input: CreateRoleInput) -> AppResult<Role> {
        let new = NewRole {
            name: ShortText::parse("name", &input.name)?,
            description: LongText::parse(
                "description",
                input.description.as_deref().unwrap_or(""),
            )?,
        };
        Ok(Role(
            admin::create_role(ctx.db()?, ctx.principal()?, new).await?,
        ))
    }

    /// Renames a role, and replaces its description when one is given.
    async fn rename_role(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: String,
        description: Option<String>,
    ) -> AppResult<Role> {
        let id = parse_id("id", &id)?;
        let name = ShortText::parse("name", &name)?;
        let description = description
            .as_deref()
            .map(|d| LongText::parse("description", d))
            .transpose()?;
        let role = admin::rename_role(ctx.db()?, ctx.principal()?, id, name, description).await?;
        Ok(Role(role))
    }

    /// Deletes a role and its grants, answering its id. `CONFLICT` while any user holds it.
    async fn delete_role(&self, ctx: &Context<'_>, id: ID) -> AppResult<ID> {
        let id = parse_id("id", &id)?;
        let deleted = admin::delete_role(ctx.db()?, ctx.principal()?, id).await?;
        Ok(ID(deleted.to_string()))
    }

    async fn assign_role(&self, ctx: &Context<'_>, user_id: ID, role_id: ID) -> AppResult<User> {
        let user_id = parse_id("userId", &user_id)?;
        let role_id = parse_id("roleId", &role_id)?;
        let user = admin::assign_role(ctx.db()?, ctx.principal()?, user_id, role_id).await?;
        Ok(User(user))
    }

    /// Takes a role from a user. `CONFLICT` for the user's last role, or if it would leave no
    /// administrator.
    async fn withdraw_role(&self, ctx: &Context<'_>, user_id: ID, role_id: ID) -> AppResult<User> {
        let user_id = parse_id("userId", &user_id)?;
        let role_id = parse_id("roleId", &role_id)?;
        let user = admin::withdraw_role(ctx.db()?, ctx.principal()?, user_id, role_id).await?;
        Ok(User(user))
    }

    /// Grants an operation (one listed by `operations`) to a role.
    async fn grant_operation(
        &self,
        ctx: &Context<'_>,
        role_id: ID,
        operation: String,
    ) -> AppResult<Role> {
        let role_id = parse_id("roleId", &role_id)?;
        let op = admin::parse_operation("operation", &operation)?;
        let role = admin::grant_operation(ctx.db()?, ctx.principal()?, role_id, op).await?;
        Ok(Role(role))
    }

    /// Revokes an operation from a role. `CONFLICT` if it would leave no administrator.
    async fn revoke_operation(
        &self,
        ctx: &Context<'_>,
        role_id: ID,
        operation: String,
    ) -> AppResult<Role> {
        let role_id = parse_id("roleId", &role_id)?;
        let op = admin::parse_operation("operation", &operation)?;
        let role = admin::revoke_operation(ctx.db()?, ctx.principal()?, role_id, op).await?;
        Ok(Role(role))
    }

    /// Sets a role's read and write permission on a restricted field; neither removes it.
    async fn set_field_permission(
        &self,
        ctx: &Context<'_>,
        input: FieldPermissionInput,
    ) -> AppResult<Role> {
        let grant = FieldGrant::parse(
            parse_id("roleId", &input.role_id)?,
            &input.type_name,
            &input.field_name,
            input.read,
            input.write,
        )?;
        let role = admin::set_field_permission(ctx.db()?, ctx.principal()?, grant).await?;
        Ok(Role(role))
    }
}

//! The official LinkedIn API's tables (`official_*`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{SqlStore, get_flag, get_json, get_opt_time, get_time, ms, on_unique_violation};
use crate::ids::{ContactId, UserId};
use crate::official::leads::{FieldMapping, LeadFormId, LeadResponseId};
use crate::store::{
    LeadId, LeadRecord, LinkedInApp, NewLead, OfficialConnection, OfficialStore, StoreError,
    StoreResult, WebhookEvent,
};

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

fn app_from_row(row: &AnyRow) -> StoreResult<(UserId, LinkedInApp)> {
    let scopes: String = row.try_get("scopes")?;
    Ok((
        UserId(row.try_get("user_id")?),
        LinkedInApp {
            client_id: row.try_get("client_id")?,
            client_secret_sealed: row.try_get("client_secret_sealed")?,
            scopes: words(&scopes),
            updated_at: get_time(row, "updated_at")?,
        },
    ))
}

fn lead_from_row(row: &AnyRow) -> StoreResult<LeadRecord> {
    Ok(LeadRecord {
        id: LeadId(row.try_get("id")?),
        response_id: row.try_get("response_id")?,
        form_id: row.try_get("form_id")?,
        contact: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId),
        fields: get_json(row, "fields_json")?,
        answers: get_json(row, "answers_json")?,
        test_lead: get_flag(row, "test_lead")?,
        submitted_at: get_time(row, "submitted_at")?,
        created_at: get_time(row, "created_at")?,
    })
}

fn to_json(value: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|error| StoreError::Corrupt(error.to_string()))
}

const APP_COLUMNS: &str = "user_id, client_id, client_secret_sealed, scopes, updated_at";

#[async_trait]
impl OfficialStore for SqlStore {
    async fn save_linkedin_app(&self, user: UserId, app: &LinkedInApp) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let old: Option<String> =
            sqlx::query_scalar("SELECT client_id FROM official_apps WHERE user_id = $1")
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO official_apps (user_id, client_id, client_secret_sealed, scopes, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET \
             client_id = excluded.client_id, client_secret_sealed = excluded.client_secret_sealed, \
             scopes = excluded.scopes, updated_at = excluded.updated_at",
        )
        .bind(user.0)
        .bind(&app.client_id)
        .bind(&app.client_secret_sealed)
        .bind(app.scopes.join(" "))
        .bind(ms(app.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(|error| on_unique_violation(error, "LinkedIn app client id"))?;
        // Tokens belong to the app that issued them.
        if old.is_some_and(|old| old != app.client_id) {
            sqlx::query("DELETE FROM official_connections WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get_linkedin_app(&self, user: UserId) -> StoreResult<Option<LinkedInApp>> {
        sqlx::query(&format!(
            "SELECT {APP_COLUMNS} FROM official_apps WHERE user_id = $1"
        ))
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(|row| app_from_row(row).map(|(_, app)| app))
        .transpose()
    }

    async fn find_linkedin_app(
        &self,
        client_id: &str,
    ) -> StoreResult<Option<(UserId, LinkedInApp)>> {
        sqlx::query(&format!(
            "SELECT {APP_COLUMNS} FROM official_apps WHERE client_id = $1"
        ))
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(app_from_row)
        .transpose()
    }

    async fn first_linkedin_apps(&self) -> StoreResult<Vec<(UserId, LinkedInApp)>> {
        sqlx::query(&format!(
            "SELECT {APP_COLUMNS} FROM official_apps ORDER BY user_id LIMIT 2"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(app_from_row)
        .collect()
    }

    async fn delete_linkedin_app(&self, user: UserId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for table in ["official_connections", "official_apps"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn insert_oauth_state(
        &self,
        state_hash: &str,
        user: UserId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO official_oauth_states (state_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(state_hash)
        .bind(user.0)
        .bind(ms(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_oauth_state(
        &self,
        state_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserId>> {
        let taken = sqlx::query(
            "DELETE FROM official_oauth_states WHERE state_hash = $1 RETURNING user_id, expires_at",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = taken else {
            return Ok(None);
        };
        let live = get_time(&row, "expires_at")? > now;
        Ok(live
            .then(|| row.try_get("user_id").map(UserId))
            .transpose()?)
    }

    async fn save_official_connection(
        &self,
        user: UserId,
        connection: &OfficialConnection,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO official_connections (user_id, access_token_sealed, access_expires_at, \
             refresh_token_sealed, refresh_expires_at, granted_scopes, connected_at, refreshed_at, \
             refresh_failure) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id) DO UPDATE SET \
             access_token_sealed = excluded.access_token_sealed, \
             access_expires_at = excluded.access_expires_at, \
             refresh_token_sealed = excluded.refresh_token_sealed, \
             refresh_expires_at = excluded.refresh_expires_at, \
             granted_scopes = excluded.granted_scopes, connected_at = excluded.connected_at, \
             refreshed_at = excluded.refreshed_at, refresh_failure = excluded.refresh_failure",
        )
        .bind(user.0)
        .bind(&connection.access_token_sealed)
        .bind(ms(connection.access_expires_at))
        .bind(connection.refresh_token_sealed.as_deref())
        .bind(connection.refresh_expires_at.map(ms))
        .bind(connection.granted_scopes.join(" "))
        .bind(ms(connection.connected_at))
        .bind(connection.refreshed_at.map(ms))
        .bind(connection.refresh_failure.as_deref())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn get_official_connection(
        &self,
        user: UserId,
    ) -> StoreResult<Option<OfficialConnection>> {
        let Some(row) = sqlx::query(
            "SELECT access_token_sealed, access_expires_at, refresh_token_sealed, \
             refresh_expires_at, granted_scopes, connected_at, refreshed_at, refresh_failure \
             FROM official_connections WHERE user_id = $1",
        )
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let scopes: String = row.try_get("granted_scopes")?;
        Ok(Some(OfficialConnection {
            access_token_sealed: row.try_get("access_token_sealed")?,
            access_expires_at: get_time(&row, "access_expires_at")?,
            refresh_token_sealed: row.try_get("refresh_token_sealed")?,
            refresh_expires_at: get_opt_time(&row, "refresh_expires_at")?,
            granted_scopes: words(&scopes),
            connected_at: get_time(&row, "connected_at")?,
            refreshed_at: get_opt_time(&row, "refreshed_at")?,
            refresh_failure: row.try_get("refresh_failure")?,
        }))
    }

    async fn delete_official_connection(&self, user: UserId) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM official_connections WHERE user_id = $1")
            .bind(user.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn save_lead_form_mapping(
        &self,
        user: UserId,
        form: &LeadFormId,
        mapping: &FieldMapping,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO official_lead_forms (user_id, form_id, mapping_json) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, form_id) DO UPDATE SET mapping_json = excluded.mapping_json",
        )
        .bind(user.0)
        .bind(&form.0)
        .bind(to_json(mapping)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn get_lead_form_mapping(
        &self,
        user: UserId,
        form: &LeadFormId,
    ) -> StoreResult<Option<FieldMapping>> {
        sqlx::query(
            "SELECT mapping_json FROM official_lead_forms WHERE user_id = $1 AND form_id = $2",
        )
        .bind(user.0)
        .bind(&form.0)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| get_json(&row, "mapping_json"))
        .transpose()
    }

    async fn list_lead_form_mappings(
        &self,
        user: UserId,
    ) -> StoreResult<Vec<(LeadFormId, FieldMapping)>> {
        sqlx::query(
            "SELECT form_id, mapping_json FROM official_lead_forms WHERE user_id = $1 \
             ORDER BY form_id",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| {
            Ok((
                LeadFormId(row.try_get("form_id")?),
                get_json(row, "mapping_json")?,
            ))
        })
        .collect()
    }

    async fn lead_exists(&self, user: UserId, response: &LeadResponseId) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM official_leads WHERE user_id = $1 AND response_id = $2",
        )
        .bind(user.0)
        .bind(&response.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    async fn insert_lead(&self, lead: &NewLead<'_>) -> StoreResult<Option<LeadId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO official_leads (user_id, response_id, form_id, contact_id, fields_json, \
             answers_json, submitter, test_lead, submitted_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (user_id, response_id) DO NOTHING RETURNING id",
        )
        .bind(lead.user.0)
        .bind(&lead.response.0)
        .bind(&lead.form.0)
        .bind(lead.contact.map(|contact| contact.0))
        .bind(to_json(&lead.lead.fields)?)
        .bind(to_json(&lead.lead.answers)?)
        .bind(lead.submitter)
        .bind(i64::from(lead.test_lead))
        .bind(ms(lead.submitted_at))
        .bind(ms(lead.created_at))
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(LeadId))
    }

    async fn delete_lead(&self, user: UserId, response: &LeadResponseId) -> StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM official_leads WHERE user_id = $1 AND response_id = $2")
                .bind(user.0)
                .bind(&response.0)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_leads(&self, user: UserId) -> StoreResult<Vec<LeadRecord>> {
        sqlx::query(
            "SELECT id, response_id, form_id, contact_id, fields_json, answers_json, test_lead, \
             submitted_at, created_at FROM official_leads WHERE user_id = $1 \
             ORDER BY submitted_at DESC, id DESC",
        )
        .bind(user.0)
        .fetch_all(&self.read_pool)
        .await?
        .iter()
        .map(lead_from_row)
        .collect()
    }

    async fn find_contact_for_lead(
        &self,
        user: UserId,
        email: Option<&str>,
        public_identifier: Option<&str>,
    ) -> StoreResult<Option<ContactId>> {
        let email = email.map(|email| email.trim().to_lowercase());
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM contacts WHERE user_id = $1 \
             AND (LOWER(email) = $2 OR public_identifier = $3) ORDER BY id LIMIT 1",
        )
        .bind(user.0)
        .bind(email)
        .bind(public_identifier)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(ContactId))
    }

    async fn record_webhook_event(&self, user: UserId, event: &WebhookEvent) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO official_webhook_events (user_id, response_id, form_id, outcome, received_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user.0)
        .bind(&event.response_id)
        .bind(&event.form_id)
        .bind(&event.outcome)
        .bind(ms(event.received_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_webhook_events(
        &self,
        user: UserId,
        limit: u32,
    ) -> StoreResult<Vec<WebhookEvent>> {
        sqlx::query(
            "SELECT response_id, form_id, outcome, received_at FROM official_webhook_events \
             WHERE user_id = $1 ORDER BY received_at DESC, id DESC LIMIT $2",
        )
        .bind(user.0)
        .bind(i64::from(limit))
        .fetch_all(&self.read_pool)
        .await?
        .iter()
        .map(|row| {
            Ok(WebhookEvent {
                response_id: row.try_get("response_id")?,
                form_id: row.try_get("form_id")?,
                outcome: row.try_get("outcome")?,
                received_at: get_time(row, "received_at")?,
            })
        })
        .collect()
    }
}

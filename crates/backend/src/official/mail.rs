//! The expiry reminder by email, when SMTP is configured (`PING_SMTP_URL`,
//! `PING_REMINDER_EMAIL_TO`, `PING_REMINDER_EMAIL_FROM`). The URL carries the SMTP password:
//! it is kept as a [`Secret`] and never written to a log or an error.

use std::fmt;

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use crate::settings::{Secret, Settings};

/// Why the SMTP settings cannot be used; `serve` refuses to start with it.
#[derive(Debug, thiserror::Error)]
pub enum MailSettingsError {
    #[error(
        "PING_SMTP_URL is not a usable SMTP URL (smtp://user:pass@host:port, \
         smtp://…?tls=required for STARTTLS, or smtps://…): {0}"
    )]
    Url(String),
    #[error("PING_REMINDER_EMAIL_TO must be set with PING_SMTP_URL")]
    NoRecipient,
    #[error("{setting} is not an email address: {reason}")]
    Address {
        setting: &'static str,
        reason: String,
    },
}

/// Why a reminder was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the reminder email could not be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("the SMTP server did not take the reminder: {0}")]
    Send(#[from] lettre::transport::smtp::Error),
}

/// Sends the reminders.
#[derive(Clone)]
pub struct ReminderMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Mailbox,
}

impl fmt::Debug for ReminderMailer {
    // The transport holds the SMTP credentials: only the addresses are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReminderMailer")
            .field("from", &self.from.to_string())
            .field("to", &self.to.to_string())
            .finish_non_exhaustive()
    }
}

fn mailbox(setting: &'static str, value: &str) -> Result<Mailbox, MailSettingsError> {
    value.parse().map_err(
        |error: lettre::address::AddressError| MailSettingsError::Address {
            setting,
            reason: error.to_string(),
        },
    )
}

impl ReminderMailer {
    /// The mailer the settings describe; `None` without `PING_SMTP_URL`.
    pub fn from_settings(settings: &Settings) -> Result<Option<Self>, MailSettingsError> {
        let Some(url) = &settings.smtp_url else {
            return Ok(None);
        };
        Self::new(
            url,
            settings.reminder_email_from.as_str(),
            settings.reminder_email_to.as_deref(),
        )
        .map(Some)
    }

    fn new(url: &Secret<String>, from: &str, to: Option<&str>) -> Result<Self, MailSettingsError> {
        let to = to.ok_or(MailSettingsError::NoRecipient)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|error| MailSettingsError::Url(error.to_string()))?
            .build();
        Ok(Self {
            transport,
            from: mailbox("PING_REMINDER_EMAIL_FROM", from)?,
            to: mailbox("PING_REMINDER_EMAIL_TO", to)?,
        })
    }

    /// Tells the recipient that a user's LinkedIn connection ends at `expires_at`.
    pub async fn send_reminder(
        &self,
        user_email: &str,
        days_left: i64,
        expires_at: DateTime<Utc>,
        app_page: &str,
    ) -> Result<(), MailError> {
        let days = if days_left == 1 { "day" } else { "days" };
        let body = format!(
            "The LinkedIn app connection of {user_email} in Ping ends in {days_left} {days} \
             ({}), and LinkedIn gave no refresh token that outlives it.\n\n\
             Open {app_page} and click Connect to authorize the app for another 60 days; \
             until then Lead Gen Forms, posts and engagement sync stop at the end date.\n",
            expires_at.format("%Y-%m-%d %H:%M UTC"),
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(self.to.clone())
            .subject(format!(
                "Ping: the LinkedIn connection ends in {days_left} {days}"
            ))
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mailers_debug_never_shows_the_smtp_password() {
        let url = Secret::new("smtp://ping:hunter2@127.0.0.1:2525".to_owned());
        let mailer =
            ReminderMailer::new(&url, "ping@example.com", Some("ops@example.com")).unwrap();
        assert!(!format!("{mailer:?}").contains("hunter2"));
    }

    #[test]
    fn smtp_without_a_recipient_is_refused() {
        let url = Secret::new("smtp://127.0.0.1:2525".to_owned());
        assert!(matches!(
            ReminderMailer::new(&url, "ping@example.com", None),
            Err(MailSettingsError::NoRecipient)
        ));
    }
}

//! The title and company a headline states (`Data engineer at Fictional Robotics`), for when
//! no structured position is given: the Voyager answer and the page read a headline alike.

use super::text::clean;
use crate::model::Profile;

/// A title and a company, either possibly unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) title: Option<String>,
    pub(crate) company: Option<String>,
}

/// Splits a headline such as `Data engineer at Fictional Robotics | Speaker` or
/// `CTO @ Beep`: only its first `|` part is read, at its first ` at ` or ` @ `.
fn split_headline(headline: &str) -> Option<Position> {
    let first_part = headline.split('|').next().unwrap_or_default();
    [" at ", " @ "].iter().find_map(|separator| {
        let (title, company) = first_part.split_once(separator)?;
        Some(Position {
            title: Some(clean(title)?),
            company: Some(clean(company)?),
        })
    })
}

/// Without a structured title, reads `<title> at <company>` from the headline; the title is
/// kept only when the headline's company agrees with a company already known (an old headline
/// must not pair an old title with the current employer).
pub(crate) fn with_headline_position(mut profile: Profile) -> Profile {
    if profile.title.is_some() {
        return profile;
    }
    let Some(split) = profile.headline.as_deref().and_then(split_headline) else {
        return profile;
    };
    match &profile.company {
        None => {
            profile.title = split.title;
            profile.company = split.company;
        }
        Some(known) if Some(known.to_lowercase()) == split.company.map(|c| c.to_lowercase()) => {
            profile.title = split.title;
        }
        Some(_) => {}
    }
    profile
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(title: Option<&str>, company: Option<&str>) -> Position {
        Position {
            title: title.map(str::to_owned),
            company: company.map(str::to_owned),
        }
    }

    #[test]
    fn headlines_split_at_at_or_at_sign_in_their_first_part() {
        assert_eq!(
            split_headline("Operations Manager @ Bluefin Freight | Supply chain"),
            Some(position(
                Some("Operations Manager"),
                Some("Bluefin Freight")
            ))
        );
        assert_eq!(
            split_headline("Data engineer at Fictional Robotics"),
            Some(position(Some("Data engineer"), Some("Fictional Robotics")))
        );
        assert_eq!(split_headline("Helping teams ship faster 🚀"), None);
        assert_eq!(split_headline("Speaker | Engineer at Acme"), None);
        assert_eq!(split_headline(" at Acme"), None);
    }
}

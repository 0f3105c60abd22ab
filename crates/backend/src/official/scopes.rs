//! The OAuth scopes a user may ask for, each with the feature that needs it (§1 of the
//! reference). Asked space-separated; LinkedIn grants all or nothing and answers comma-separated.

/// One scope the Settings page offers.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ScopeChoice {
    pub name: &'static str,
    pub needed_for: &'static str,
}

pub const LEAD_SYNC: &str = "r_marketing_leadgen_automation";
pub const PROFILE_ASSOCIATIONS: &str = "r_sales_nav_profiles";
pub const ENGAGEMENT: &str = "r_organization_social";

/// Every scope offered, in the order shown.
pub const CHOICES: [ScopeChoice; 8] = [
    ScopeChoice {
        name: "openid",
        needed_for: "signing in with LinkedIn (who connected the app)",
    },
    ScopeChoice {
        name: "profile",
        needed_for: "the connected member's name and picture",
    },
    ScopeChoice {
        name: LEAD_SYNC,
        needed_for: "Lead Gen Forms: reading a lead's answers (Lead Sync product)",
    },
    ScopeChoice {
        name: "r_organization_admin",
        needed_for: "Lead Gen Forms owned by a Page (with Lead Sync), and listing the Pages you administer",
    },
    ScopeChoice {
        name: PROFILE_ASSOCIATIONS,
        needed_for: "Sales Navigator photo and profile URL of CRM Sync contacts",
    },
    ScopeChoice {
        name: "w_organization_social",
        needed_for: "posting as a Page you administer (Community Management)",
    },
    ScopeChoice {
        name: ENGAGEMENT,
        needed_for: "engagement sync: reading comments and reactions on your Pages' posts \
                     (Community Management)",
    },
    ScopeChoice {
        name: "r_ads",
        needed_for: "ad accounts (needs Marketing Developer Platform access: LinkedIn \
                     answers 403 without it)",
    },
];

/// The requested scopes the page offers, in the page's order; anything else is dropped.
pub fn known_scopes<'a>(requested: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let requested: Vec<&str> = requested.into_iter().collect();
    CHOICES
        .iter()
        .filter(|choice| requested.contains(&choice.name))
        .map(|choice| choice.name.to_owned())
        .collect()
}

/// LinkedIn's granted scopes (`"openid,profile"`; a space-separated answer is read too).
pub fn parse_granted(granted: &str) -> Vec<String> {
    granted
        .split([',', ' '])
        .map(str::trim)
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_offered_scopes_are_kept_in_page_order() {
        let kept = known_scopes(["r_sales_nav_profiles", "w_everything", "openid"]);
        assert_eq!(kept, ["openid", "r_sales_nav_profiles"]);
    }

    #[test]
    fn granted_scopes_read_commas_and_spaces() {
        assert_eq!(parse_granted("openid,profile"), ["openid", "profile"]);
        assert_eq!(parse_granted("openid profile "), ["openid", "profile"]);
    }
}

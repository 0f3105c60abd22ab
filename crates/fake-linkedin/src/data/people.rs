//! Invented people, companies and places. Names mix scripts on purpose: accents, CJK,
//! right-to-left Arabic and Hebrew, and the odd emoji, as real mailboxes do.

use crate::rng::Rng;

/// First names as displayed, with the ASCII form used in the vanity slug.
const FIRST: &[(&str, &str)] = &[
    ("Zoë", "zoe"),
    ("José", "jose"),
    ("Søren", "soren"),
    ("Łukasz", "lukasz"),
    ("Amira", "amira"),
    ("ليلى", "layla"),
    ("נועה", "noa"),
    ("美咲", "misaki"),
    ("Priya", "priya"),
    ("Chinedu", "chinedu"),
    ("Mateo", "mateo"),
    ("Ingrid", "ingrid"),
    ("Kenji", "kenji"),
    ("Olúwadámilárá", "oluwadamilara"),
    ("Anaïs", "anais"),
    ("Björn", "bjorn"),
    ("Fatima", "fatima"),
    ("Dmitri", "dmitri"),
    ("Grace", "grace"),
    ("Hugo", "hugo"),
    ("Ирина", "irina"),
    ("Sam", "sam"),
    ("Thảo", "thao"),
    ("Rafael", "rafael"),
];

/// Last names as displayed, with their slug form.
const LAST: &[(&str, &str)] = &[
    ("Sample", "sample"),
    ("Núñez", "nunez"),
    ("Østergaard", "ostergaard"),
    ("Kowalczyk", "kowalczyk"),
    ("Haddad", "haddad"),
    ("الحسيني", "alhusseini"),
    ("כהן", "cohen"),
    ("田中", "tanaka"),
    ("Venkataraman", "venkataraman"),
    ("Okafor", "okafor"),
    ("Rivera 🌍", "rivera"),
    ("Lindqvist", "lindqvist"),
    ("Moreau", "moreau"),
    ("Smith, PhD", "smith"),
    ("Nguyễn", "nguyen"),
    ("O'Brien", "obrien"),
    ("Fischer", "fischer"),
    ("Petrova", "petrova"),
    ("Mbeki 🚀", "mbeki"),
    ("van der Berg", "van-der-berg"),
];

const TITLES: &[&str] = &[
    "Data Engineer",
    "Head of Partnerships",
    "Senior Product Manager",
    "Founder & CEO",
    "Talent Acquisition Lead",
    "Staff Software Engineer",
    "Account Executive",
    "UX Researcher",
    "مديرة التسويق",
    "Chief Technology Officer",
    "Sales Development Representative",
    "Investor",
];

const COMPANIES: &[&str] = &[
    "Fictional Robotics",
    "Demo Ltd",
    "Acme Analytics",
    "Globex Überdata",
    "Initech",
    "Umbrella Health",
    "Nordlicht AB",
    "Café Systems",
    "Hooli",
    "Pied Piper",
    "شركة المثال",
    "東京テック",
];

const LOCATIONS: &[&str] = &[
    "Berlin, Germany",
    "San Francisco Bay Area",
    "London Area, United Kingdom",
    "São Paulo, Brazil",
    "Tel Aviv District, Israel",
    "Dubai, United Arab Emirates",
    "Tokyo, Japan",
    "Lagos, Nigeria",
    "Montréal, Québec, Canada",
    "Greater Stockholm Metropolitan Area",
];

/// Sponsors of sponsored messages: name, tagline, industry.
pub const ORGANIZATIONS: &[(&str, &str, &str)] = &[
    (
        "Learnly Academy",
        "Upskill in weeks, not years",
        "E-Learning",
    ),
    (
        "CloudNine Hosting",
        "Servers that never sleep ☁️",
        "IT Services",
    ),
    (
        "Finch Capital Partners",
        "Growth equity for builders",
        "Venture Capital",
    ),
    (
        "Talentwave",
        "Hire faster with AI",
        "Staffing and Recruiting",
    ),
];

/// One invented person.
#[derive(Debug, Clone)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub slug: String,
    pub title: String,
    pub company: String,
    pub location: String,
}

/// Draws a person; `ordinal` keeps slugs unique.
pub fn person(rng: &mut Rng, ordinal: usize) -> Person {
    let (first, first_slug) = *rng.pick(FIRST);
    let (last, last_slug) = *rng.pick(LAST);
    let suffix = 1000 + rng.below(9000);
    Person {
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        slug: format!("{first_slug}-{last_slug}-{ordinal}{suffix}"),
        title: (*rng.pick(TITLES)).to_owned(),
        company: (*rng.pick(COMPANIES)).to_owned(),
        location: (*rng.pick(LOCATIONS)).to_owned(),
    }
}

/// Group chat names.
pub const GROUP_TITLES: &[&str] = &[
    "Founders dinner 🍝",
    "Q4 hiring sync",
    "Berlin meetup crew",
    "مجموعة المشروع",
    "Alumni '19",
    "Side project: Ping 🔔",
];

/// InMail subjects.
pub const SUBJECTS: &[&str] = &[
    "Opportunity at a fast-growing startup",
    "Quick question about your work on data pipelines",
    "Invitation: speak at our conference 🎤",
    "Your profile caught my eye",
];

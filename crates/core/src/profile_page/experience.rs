//! The current title and company from the first entry of a server-driven page's Experience
//! card, which holds them as plain text lines.

use crate::entity::{Position, clean};

/// Employment types LinkedIn prints after the company (`Kestrel Pay · Full-time`) or, for a
/// group of roles at one employer, first on the group's second line (`Full-time · 5 yrs`).
const EMPLOYMENT_TYPES: [&str; 8] = [
    "Full-time",
    "Part-time",
    "Self-employed",
    "Freelance",
    "Contract",
    "Internship",
    "Apprenticeship",
    "Seasonal",
];

/// Reads the first Experience entry from the card's text lines, in page order.
///
/// A single role reads `title`, `company · type`, dates; a group of roles at one employer reads
/// `company`, `type · duration`, then its newest role's `title`.
pub(super) fn first_experience_entry(lines: &[String]) -> Position {
    let Some(first) = lines.first() else {
        return Position::default();
    };
    let second = lines.get(1).filter(|line| !is_date_range(line));
    let Some(second) = second else {
        return Position {
            title: clean(first),
            company: None,
        };
    };
    let lead = second.split(" · ").next().unwrap_or_default();
    if EMPLOYMENT_TYPES.contains(&lead) || is_duration(lead) {
        Position {
            title: lines
                .get(2)
                .filter(|line| !is_date_range(line))
                .and_then(|line| clean(line)),
            company: clean(first),
        }
    } else {
        Position {
            title: clean(first),
            company: clean(lead),
        }
    }
}

/// `Jan 2022 - Present · 4 yrs`, `2019 – 2021`: a line with a year and a range.
fn is_date_range(line: &str) -> bool {
    let has_year = line
        .split(|c: char| !c.is_ascii_digit())
        .any(|digits| digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20")));
    (has_year && (line.contains(" - ") || line.contains('–'))) || line.contains("Present")
}

/// `5 yrs 2 mos`, `1 yr`, `3 mos`.
fn is_duration(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && words.chunks(2).all(|pair| match pair {
            [number, unit] => {
                number.chars().all(|c| c.is_ascii_digit())
                    && matches!(*unit, "yr" | "yrs" | "mo" | "mos")
            }
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|line| line.to_string()).collect()
    }

    fn position(title: Option<&str>, company: Option<&str>) -> Position {
        Position {
            title: title.map(str::to_owned),
            company: company.map(str::to_owned),
        }
    }

    #[test]
    fn a_single_role_reads_title_then_company() {
        let entry = first_experience_entry(&lines(&[
            "Head of Product",
            "Kestrel Pay · Full-time",
            "Mar 2023 - Present · 3 yrs 9 mos",
            "Amsterdam · Hybrid",
        ]));
        assert_eq!(
            entry,
            position(Some("Head of Product"), Some("Kestrel Pay"))
        );
    }

    #[test]
    fn a_group_of_roles_reads_company_then_newest_title() {
        let entry = first_experience_entry(&lines(&[
            "Kestrel Pay",
            "Full-time · 5 yrs 2 mos",
            "Head of Product",
            "Mar 2023 - Present · 3 yrs 9 mos",
        ]));
        assert_eq!(
            entry,
            position(Some("Head of Product"), Some("Kestrel Pay"))
        );
        let untyped = first_experience_entry(&lines(&["Kestrel Pay", "2 yrs", "Analyst"]));
        assert_eq!(untyped, position(Some("Analyst"), Some("Kestrel Pay")));
    }

    #[test]
    fn an_entry_without_a_company_line_gives_only_a_title() {
        let entry = first_experience_entry(&lines(&["Founder", "2019 – 2021 · 2 yrs"]));
        assert_eq!(entry, position(Some("Founder"), None));
        assert_eq!(first_experience_entry(&[]), Position::default());
    }
}

//! Turning what a user typed into a full-text query of the store's dialect.

use super::Dialect;

/// The words of a search, as a full-text query in the store's dialect (every word must occur,
/// as a prefix). `None` when nothing searchable is left.
pub(crate) fn full_text_query(dialect: Dialect, input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(match dialect {
        Dialect::Sqlite => words
            .iter()
            .map(|word| format!("\"{word}\"*"))
            .collect::<Vec<_>>()
            .join(" "),
        Dialect::Postgres => words
            .iter()
            .map(|word| format!("{word}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_input_becomes_a_safe_prefix_query_in_each_dialect() {
        assert_eq!(
            full_text_query(Dialect::Sqlite, "Tuesday's \"deck\" OR"),
            Some("\"tuesday\"* \"s\"* \"deck\"* \"or\"*".to_owned())
        );
        assert_eq!(
            full_text_query(Dialect::Postgres, "talk tues"),
            Some("talk:* & tues:*".to_owned())
        );
        assert_eq!(full_text_query(Dialect::Sqlite, "  &&  "), None);
    }
}

//! Many rows per statement: multi-row `INSERT … VALUES` and `IN (…)` look-ups, for the push path.
//!
//! Both dialects cache a prepared statement per SQL text, so the statements here come in a few
//! fixed shapes only: a look-up pads its key list to the next of [`LOOKUP_SIZES`] (repeating
//! the last key, which changes nothing in an `IN` list), and an insert splits its rows into
//! chunks of [`INSERT_SIZES`], largest first. A push of 500 messages is then a handful of
//! statements, each one prepared once per connection and reused.

use std::fmt::Write as _;

/// Key counts a look-up is padded to.
const LOOKUP_SIZES: [usize; 4] = [1, 8, 32, 128];

/// Row counts an insert is split into (at most 128 rows of 14 columns: far below both
/// dialects' limit on bound values).
const INSERT_SIZES: [usize; 8] = [128, 64, 32, 16, 8, 4, 2, 1];

/// `$first, $first+1, …` for `count` values.
pub(super) fn placeholders(first: usize, count: usize) -> String {
    let mut list = String::with_capacity(count * 5);
    for n in first..first + count {
        if n > first {
            list.push_str(", ");
        }
        let _ = write!(list, "${n}");
    }
    list
}

/// `($first, …), (…), …`: `rows` tuples of `columns` placeholders.
pub(super) fn value_rows(first: usize, rows: usize, columns: usize) -> String {
    let mut list = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        if row > 0 {
            list.push_str(", ");
        }
        list.push('(');
        list.push_str(&placeholders(first + row * columns, columns));
        list.push(')');
    }
    list
}

/// The keys of a look-up in statement-sized lists, each padded with its last key to a size of
/// [`LOOKUP_SIZES`].
pub(super) fn lookup_chunks<T: Clone>(keys: &[T]) -> Vec<Vec<T>> {
    let largest = LOOKUP_SIZES[LOOKUP_SIZES.len() - 1];
    keys.chunks(largest)
        .map(|chunk| {
            let size = LOOKUP_SIZES
                .iter()
                .copied()
                .find(|size| *size >= chunk.len())
                .unwrap_or(largest);
            let mut padded = chunk.to_vec();
            if let Some(last) = chunk.last() {
                padded.resize(size, last.clone());
            }
            padded
        })
        .collect()
}

/// The rows of an insert in statement-sized chunks, in order.
pub(super) fn insert_chunks<T>(rows: &[T]) -> Vec<&[T]> {
    let mut chunks = Vec::new();
    let mut rest = rows;
    while !rest.is_empty() {
        let size = INSERT_SIZES
            .iter()
            .copied()
            .find(|size| *size <= rest.len())
            .unwrap_or(1);
        let (chunk, after) = rest.split_at(size);
        chunks.push(chunk);
        rest = after;
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_the_first() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(value_rows(1, 2, 2), "($1, $2), ($3, $4)");
    }

    #[test]
    fn lookups_come_in_few_shapes() {
        let keys: Vec<u32> = (0..300).collect();
        let chunks = lookup_chunks(&keys);
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        assert_eq!(sizes, [128, 128, 128]);
        assert_eq!(chunks[2][43], 299);
        assert_eq!(chunks[2][127], 299, "padded with the last key");
        assert_eq!(lookup_chunks(&[7]), [vec![7]]);
        assert_eq!(lookup_chunks(&[1, 2]).concat(), [1, 2, 2, 2, 2, 2, 2, 2]);
        assert!(lookup_chunks::<u32>(&[]).is_empty());
    }

    #[test]
    fn inserts_split_largest_first_and_keep_the_order() {
        let rows: Vec<u32> = (0..500).collect();
        let chunks = insert_chunks(&rows);
        let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert_eq!(sizes, [128, 128, 128, 64, 32, 16, 4]);
        assert_eq!(chunks.concat(), rows);
        assert!(insert_chunks::<u32>(&[]).is_empty());
    }
}

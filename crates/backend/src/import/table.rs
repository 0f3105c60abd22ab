//! One CSV file of the export, read as a stream: a byte-order mark and any lines before the
//! header (Connections.csv's `Notes:` preamble) are skipped, columns are found by name, and
//! every row error names the file and line.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Cursor, Read};

use super::ImportError;
use super::text::clean;

/// How many lines may come before the header.
const MAX_PREAMBLE_LINES: usize = 20;

/// A header name as compared: trimmed, unquoted, lowercase, `_` read as a space.
fn column_key(raw: &str) -> String {
    raw.trim()
        .trim_matches('"')
        .trim()
        .to_lowercase()
        .replace('_', " ")
}

/// A CSV file of the archive being read.
pub struct Table<R: Read> {
    file: String,
    reader: csv::Reader<std::io::Chain<Cursor<Vec<u8>>, BufReader<R>>>,
    columns: HashMap<String, usize>,
    header: Vec<String>,
    /// Lines skipped before the header.
    preamble_lines: u64,
    record: csv::ByteRecord,
}

/// One row, with its columns found by name.
pub struct Row<'a> {
    record: &'a csv::ByteRecord,
    columns: &'a HashMap<String, usize>,
    /// The row's line in the file (1-based).
    pub line: u64,
}

impl Row<'_> {
    /// The cleaned value of a column (`None` when the file has no such column or it is empty).
    pub fn get(&self, column: &str) -> Option<String> {
        let index = *self.columns.get(column)?;
        self.record.get(index).and_then(clean)
    }

    /// The value as written (decoded, mojibake undone), not trimmed: message bodies.
    pub fn raw(&self, column: &str) -> Option<String> {
        let index = *self.columns.get(column)?;
        let bytes = self.record.get(index)?;
        let decoded = super::text::decode_field(bytes);
        Some(super::text::fix_mojibake(&decoded).into_owned())
    }
}

impl<R: Read> Table<R> {
    /// Opens `source` as the CSV file `file`, whose header's first column is one of
    /// `first_columns` (lowercase).
    pub fn open(file: &str, source: R, first_columns: &[&str]) -> Result<Self, ImportError> {
        let mut source = BufReader::new(source);
        let mut preamble_lines = 0;
        let mut line = Vec::new();
        let header_line = loop {
            line.clear();
            let read = source
                .read_until(b'\n', &mut line)
                .map_err(|error| ImportError::io(file, error))?;
            if read == 0 || preamble_lines >= MAX_PREAMBLE_LINES as u64 {
                return Err(ImportError::malformed(
                    file,
                    None,
                    format!(
                        "no header line in its first {MAX_PREAMBLE_LINES} lines (expected one \
                         starting with {})",
                        first_columns.join(" or ")
                    ),
                ));
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_start_matches('\u{feff}');
            let first = text.split(',').next().map(column_key).unwrap_or_default();
            if first_columns.contains(&first.as_str()) {
                let mut header = line.clone();
                if header.starts_with("\u{feff}".as_bytes()) {
                    header.drain(..3);
                }
                break header;
            }
            preamble_lines += 1;
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(Cursor::new(header_line).chain(source));
        let header: Vec<String> = reader
            .byte_headers()
            .map_err(|error| ImportError::csv(file, preamble_lines, &error))?
            .iter()
            .map(|name| column_key(&String::from_utf8_lossy(name)))
            .collect();
        let mut columns = HashMap::new();
        for (index, name) in header.iter().enumerate() {
            columns.entry(name.clone()).or_insert(index);
        }
        Ok(Self {
            file: file.to_owned(),
            reader,
            columns,
            header,
            preamble_lines,
            record: csv::ByteRecord::new(),
        })
    }

    /// Whether the header names this column (lowercase).
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// Fails unless the header names every one of `columns`.
    pub fn require(&self, columns: &[&str]) -> Result<(), ImportError> {
        let missing: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|column| !self.has(column))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(ImportError::malformed(
            &self.file,
            Some(self.preamble_lines + 1),
            format!(
                "the header lacks {} (it has: {})",
                missing.join(", ").to_uppercase(),
                self.header.join(", ")
            ),
        ))
    }

    /// The next row, `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, ImportError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let line = self
                    .record
                    .position()
                    .map_or(0, |position| position.line() + self.preamble_lines);
                Ok(Some(Row {
                    record: &self.record,
                    columns: &self.columns,
                    line,
                }))
            }
            Err(error) => Err(ImportError::csv(&self.file, self.preamble_lines, &error)),
        }
    }

    pub fn file(&self) -> &str {
        &self.file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notes_preamble_and_a_byte_order_mark_are_skipped() {
        let text = "\u{feff}Notes:\n\"When exporting, some e-mails are missing.\"\n\n\
                    First Name,Last Name,URL\nAda,Lovelace,https://www.linkedin.com/in/ada\n";
        let mut table = Table::open("Connections.csv", text.as_bytes(), &["first name"]).unwrap();
        let row = table.next_row().unwrap().unwrap();
        assert_eq!(row.get("first name").as_deref(), Some("Ada"));
        assert_eq!(
            row.get("url").as_deref(),
            Some("https://www.linkedin.com/in/ada")
        );
        assert_eq!(row.line, 5);
        assert!(table.next_row().unwrap().is_none());
    }

    #[test]
    fn a_row_of_the_wrong_width_names_its_line() {
        let text = "CONVERSATION ID,FROM\n2-a,Ada\n2-b,Bo,extra\n";
        let mut table = Table::open("messages.csv", text.as_bytes(), &["conversation id"]).unwrap();
        assert!(table.next_row().unwrap().is_some());
        let error = table.next_row().err().unwrap().to_string();
        assert!(
            error.contains("messages.csv") && error.contains("line 3"),
            "{error}"
        );
    }
}

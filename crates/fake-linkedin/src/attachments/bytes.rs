//! The bytes behind attachments: deterministic per asset and shaped like the real thing, so a
//! browser and a type sniffer take them (a PDF, ZIP-signed Office files, a PNG, a WAV).

use std::io;

use crate::data::message::Attachment;
use crate::media;
use crate::rng::{Rng, keyed_hash};

/// The size of image attachments (`messaging-image-720`).
pub const IMAGE_WIDTH: u32 = 720;
/// The height of image attachments.
pub const IMAGE_HEIGHT: u32 = 540;
/// The largest file the control API makes, so a typo cannot exhaust memory.
pub const LARGEST_FILE: u64 = 64 << 20;

/// Samples per second of voice messages: telephone quality, as small as a real WAV gets.
const AUDIO_RATE: u32 = 8_000;
/// Peak of the voice messages' tone: quiet, out of 32767.
const AUDIO_PEAK: i32 = 1_500;
/// Samples per period of the tone (≈ 444 Hz at [`AUDIO_RATE`]).
const TONE_PERIOD: u32 = 18;

/// The `Content-Type` an attachment is served with.
pub fn media_type(attachment: &Attachment) -> &str {
    match attachment {
        Attachment::File { media_type, .. } => media_type,
        Attachment::Image => "image/png",
        Attachment::Audio { .. } => "audio/wav",
    }
}

/// Why the control API cannot make a file, if it cannot.
pub fn refusal(attachment: &Attachment) -> Option<String> {
    let Attachment::File {
        name,
        media_type,
        byte_size,
    } = attachment
    else {
        return None;
    };
    if *byte_size > LARGEST_FILE {
        return Some(format!("byteSize {byte_size} is over {LARGEST_FILE}"));
    }
    let smallest = if media_type == "application/pdf" {
        let (head, offsets) = pdf_head(name);
        pdf_len(head.len(), &offsets, 0)
    } else {
        0
    };
    (*byte_size < smallest as u64)
        .then(|| format!("a PDF named {name:?} takes at least {smallest} bytes"))
}

/// The bytes of the attachment whose asset id is `asset`.
pub fn content(asset: &str, attachment: &Attachment) -> io::Result<Vec<u8>> {
    // Truncating the hash keeps 64 bits, plenty to tell assets apart.
    let mut rng = Rng::new(keyed_hash(b"attachment", asset.as_bytes()) as u64, 0);
    match attachment {
        Attachment::File {
            name,
            media_type,
            byte_size,
        } => {
            let size = usize::try_from(*byte_size).map_err(io::Error::other)?;
            if media_type == "application/pdf" {
                pdf(name, size, &mut rng)
            } else {
                Ok(file(media_type, size, &mut rng))
            }
        }
        Attachment::Image => {
            let color = [0u8; 3].map(|_| 40 + rng.below(180) as u8);
            media::png(IMAGE_WIDTH, IMAGE_HEIGHT, color)
        }
        Attachment::Audio { duration_ms } => Ok(wav(*duration_ms)),
    }
}

fn noise(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        out.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Office documents are ZIP archives and start like one; other types are noise throughout.
fn file(media_type: &str, size: usize, rng: &mut Rng) -> Vec<u8> {
    let zipped = media_type == "application/zip"
        || media_type.starts_with("application/vnd.openxmlformats-officedocument.");
    let magic: &[u8] = if zipped { b"PK\x03\x04" } else { b"" };
    let mut out = magic[..magic.len().min(size)].to_vec();
    out.extend(noise(rng, size - out.len()));
    out
}

/// A one-page PDF showing `title`, made exactly `size` bytes long by an unreferenced stream of
/// noise (object 5) and up to two spaces in the trailer.
fn pdf(title: &str, size: usize, rng: &mut Rng) -> io::Result<Vec<u8>> {
    let (head, offsets) = pdf_head(title);
    let noise_at = head.len();
    let Some(mut n) = size.checked_sub(pdf_len(noise_at, &offsets, 0)) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "too small for a PDF",
        ));
    };
    // Longer numbers in the overhead can push the total over by a few bytes.
    while n > 0 && pdf_len(noise_at, &offsets, n) > size {
        n -= 1;
    }
    let slack = size - pdf_len(noise_at, &offsets, n);
    let mut out = head;
    out.extend_from_slice(noise_header(n).as_bytes());
    out.extend(noise(rng, n));
    out.extend_from_slice(NOISE_END.as_bytes());
    let tail = pdf_tail(&offsets, xref_at(noise_at, n), slack);
    out.extend_from_slice(tail.as_bytes());
    Ok(out)
}

const NOISE_END: &str = "\nendstream\nendobj\n";

fn noise_header(n: usize) -> String {
    format!("5 0 obj\n<< /Length {n} >>\nstream\n")
}

/// Where the cross-reference table starts after `n` bytes of noise at `noise_at`.
fn xref_at(noise_at: usize, n: usize) -> usize {
    noise_at + noise_header(n).len() + n + NOISE_END.len()
}

/// The length of a PDF with `n` bytes of noise at `noise_at` and no slack.
fn pdf_len(noise_at: usize, offsets: &[usize], n: usize) -> usize {
    let xref = xref_at(noise_at, n);
    xref + pdf_tail(offsets, xref, 0).len()
}

/// The header and objects 1 to 4 (catalog, page tree, page and its text), with where each
/// object starts, object 5 (the noise) right after them.
fn pdf_head(title: &str) -> (Vec<u8>, Vec<usize>) {
    let text: String = title
        .chars()
        .map(|c| match c {
            ' '..='~' if !matches!(c, '(' | ')' | '\\') => c,
            _ => '_',
        })
        .collect();
    let page = format!("BT /F1 24 Tf 72 700 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{page}\nendstream", page.len()),
    ];
    // The second line's high bytes tell readers the file is binary.
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len() + 1);
    for (number, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", number + 1).as_bytes());
    }
    offsets.push(out.len());
    (out, offsets)
}

fn pdf_tail(offsets: &[usize], xref_at: usize, slack: usize) -> String {
    let entries: String = offsets
        .iter()
        .map(|offset| format!("{offset:010} 00000 n \n"))
        .collect();
    let count = offsets.len() + 1;
    format!(
        "xref\n0 {count}\n0000000000 65535 f \n{entries}trailer\n<< /Size {count} /Root 1 0 R >>{}\nstartxref\n{xref_at}\n%%EOF\n",
        " ".repeat(slack)
    )
}

/// A mono 16-bit PCM WAV of a quiet triangle tone lasting `duration_ms`.
fn wav(duration_ms: u64) -> Vec<u8> {
    let samples = u32::try_from(duration_ms * u64::from(AUDIO_RATE) / 1000).unwrap_or(u32::MAX);
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&AUDIO_RATE.to_le_bytes());
    out.extend_from_slice(&(AUDIO_RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..samples {
        // A triangle: up for the first half of the period, down for the second.
        let phase = i % TONE_PERIOD;
        let climb = phase.min(TONE_PERIOD - phase);
        let sample = AUDIO_PEAK * 4 * i32::try_from(climb).unwrap_or(0)
            / i32::try_from(TONE_PERIOD).unwrap_or(1)
            - AUDIO_PEAK;
        out.extend_from_slice(&i16::try_from(sample).unwrap_or(0).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(media_type: &str, byte_size: u64) -> Attachment {
        Attachment::File {
            name: "Résumé (final).pdf".to_owned(),
            media_type: media_type.to_owned(),
            byte_size,
        }
    }

    #[test]
    fn pdfs_of_every_size_near_a_digit_boundary_are_exact_and_well_formed() {
        let (head, offsets) = pdf_head("Résumé (final).pdf");
        let smallest = pdf_len(head.len(), &offsets, 0);
        for size in (smallest..smallest + 40)
            .chain(9_980..10_020)
            .chain([482_113])
        {
            let bytes = content("D4D06AQ1x2x3", &file_of("application/pdf", size as u64)).unwrap();
            assert_eq!(bytes.len(), size);
            assert!(bytes.starts_with(b"%PDF-1.4\n"));
            assert!(bytes.ends_with(b"%%EOF\n"));
            let end = String::from_utf8_lossy(&bytes[size - 40..]).into_owned();
            let start_xref = end.rsplit("startxref\n").next().unwrap().lines().next();
            let xref_at: usize = start_xref.unwrap().parse().unwrap();
            let table = String::from_utf8_lossy(&bytes[xref_at..]).into_owned();
            assert!(table.starts_with("xref\n0 6\n"));
            for (number, line) in table.lines().skip(3).take(5).enumerate() {
                let offset: usize = line[..10].parse().unwrap();
                let object = format!("{} 0 obj\n", number + 1);
                assert!(bytes[offset..].starts_with(object.as_bytes()));
            }
        }
        assert!(refusal(&file_of("application/pdf", smallest as u64 - 1)).is_some());
        assert!(refusal(&file_of("application/pdf", smallest as u64)).is_none());
    }

    #[test]
    fn office_files_start_like_a_zip_and_bytes_depend_on_the_asset_only() {
        let docx = file_of(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            3,
        );
        assert_eq!(content("a", &docx).unwrap(), b"PK\x03");
        let bin = file_of("application/octet-stream", 1000);
        assert_eq!(content("a", &bin).unwrap(), content("a", &bin).unwrap());
        assert_ne!(content("a", &bin).unwrap(), content("b", &bin).unwrap());
    }

    #[test]
    fn a_voice_message_is_a_wav_of_its_duration() {
        let bytes = content("a", &Attachment::Audio { duration_ms: 1_000 }).unwrap();
        assert!(bytes.starts_with(b"RIFF") && bytes[8..16] == *b"WAVEfmt ");
        assert_eq!(bytes.len(), 44 + 2 * AUDIO_RATE as usize);
        let samples = bytes[44..]
            .chunks(2)
            .map(|s| i16::from_le_bytes([s[0], s[1]]));
        assert_eq!(samples.map(i32::from).max(), Some(AUDIO_PEAK));
    }
}

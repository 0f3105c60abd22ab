//! The conversations export with its files: a ZIP of `conversations.json`,
//! `attachments/<sha256>-<name>` (each distinct file once) and `attachments.json`, which says
//! which message and index each file belongs to. Written while it is sent: one file's bytes in
//! memory at a time, never the whole archive.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use bytes::Bytes;
use futures_util::Stream;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::AttachmentObjects;
use crate::store::{StoredAttachment, StoredFile};

/// Chunks in flight between the thread writing the archive and the response.
const CHUNKS_IN_FLIGHT: usize = 8;
const CHUNK_BYTES: usize = 64 * 1024;

/// Why the archive broke off (the response ends early; the detail is logged).
#[derive(Debug, thiserror::Error)]
enum ArchiveError {
    #[error("writing the ZIP: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("writing the ZIP: {0}")]
    Io(#[from] io::Error),
    #[error(transparent)]
    Objects(#[from] super::ObjectsError),
}

/// Hands what the ZIP writer writes to the response, chunk by chunk.
struct ChunkSender(mpsc::Sender<io::Result<Bytes>>);

impl Write for ChunkSender {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the download was closed"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The path of a file in the archive: its hash, and its name with anything that could leave
/// the folder or confuse an unpacker replaced.
pub fn archive_path(file: &StoredFile) -> String {
    let name: String = file
        .name
        .as_deref()
        .unwrap_or("attachment")
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!(
        "attachments/{}-{}",
        file.sha256,
        name.trim_start_matches('.')
    )
}

/// One line of `attachments.json`: an attachment and where its bytes are in the archive.
fn manifest_entry(attachment: &StoredAttachment, path: &str) -> serde_json::Value {
    serde_json::json!({
        "message": attachment.message_urn,
        "index": attachment.index,
        "name": attachment.file.name,
        "mediaType": attachment.file.media_type,
        "byteSize": attachment.file.byte_size,
        "sha256": attachment.file.sha256,
        "path": path,
    })
}

fn write_archive(
    out: ChunkSender,
    conversations_json: String,
    attachments: Vec<StoredAttachment>,
    objects: AttachmentObjects,
    runtime: Handle,
) -> Result<(), ArchiveError> {
    let mut zip = ZipWriter::new_stream(BufWriter::with_capacity(CHUNK_BYTES, out));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("conversations.json", deflated)?;
    zip.write_all(conversations_json.as_bytes())?;
    let mut paths: HashMap<&str, String> = HashMap::new();
    let mut manifest = Vec::with_capacity(attachments.len());
    for attachment in &attachments {
        let file = &attachment.file;
        if let Some(path) = paths.get(file.sha256.as_str()) {
            manifest.push(manifest_entry(attachment, path));
            continue;
        }
        let path = archive_path(file);
        let bytes = runtime.block_on(objects.get(&file.sha256))?;
        // Pictures, audio and video are compressed already: stored as they are.
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .large_file(file.byte_size >= u64::from(u32::MAX));
        zip.start_file(path.as_str(), options)?;
        zip.write_all(&bytes)?;
        manifest.push(manifest_entry(attachment, &path));
        paths.insert(&file.sha256, path);
    }
    zip.start_file("attachments.json", deflated)?;
    serde_json::to_writer_pretty(&mut zip, &manifest).map_err(io::Error::from)?;
    zip.finish()?.into_inner().flush()?;
    Ok(())
}

/// The archive as a stream of chunks, written on a blocking thread as the client reads.
pub fn conversations_zip(
    conversations_json: String,
    attachments: Vec<StoredAttachment>,
    objects: AttachmentObjects,
) -> impl Stream<Item = io::Result<Bytes>> {
    let (sender, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let runtime = Handle::current();
    let errors = sender.clone();
    tokio::task::spawn_blocking(move || {
        let written = write_archive(
            ChunkSender(sender),
            conversations_json,
            attachments,
            objects,
            runtime,
        );
        if let Err(error) = written {
            tracing::error!(%error, "the conversations ZIP broke off");
            let _ = errors.blocking_send(Err(io::Error::other(error.to_string())));
        }
    });
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    })
}

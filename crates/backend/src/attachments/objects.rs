//! The object store holding attachment bytes, keyed by their SHA-256: the same bytes are
//! stored once however many messages (or users) carry them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutMode, PutPayload};

/// Why the object store could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum ObjectsError {
    #[error("attachment store {location:?}: {reason}")]
    Location { location: String, reason: String },
    #[error("attachment store: {0}")]
    Store(#[from] object_store::Error),
}

/// Attachment bytes by content address.
#[derive(Debug, Clone)]
pub struct AttachmentObjects {
    store: Arc<dyn ObjectStore>,
}

impl AttachmentObjects {
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }

    /// Bytes kept in memory only (tests, and a state no server was given a store for).
    pub fn in_memory() -> Self {
        Self::new(Arc::new(InMemory::new()))
    }

    /// Files under `dir`, created if missing.
    pub fn local(dir: &Path) -> Result<Self, ObjectsError> {
        std::fs::create_dir_all(dir).map_err(|error| ObjectsError::Location {
            location: dir.display().to_string(),
            reason: error.to_string(),
        })?;
        Ok(Self::new(Arc::new(LocalFileSystem::new_with_prefix(dir)?)))
    }

    /// Opens `location`: `s3://bucket/prefix` (cargo feature `s3`; credentials and region
    /// from the standard `AWS_…` variables), `file:///dir` or a directory path.
    pub fn open(location: &str) -> Result<Self, ObjectsError> {
        if let Some(bucket) = location.strip_prefix("s3://") {
            return s3(location, bucket);
        }
        let dir = location.strip_prefix("file://").unwrap_or(location);
        Self::local(&PathBuf::from(dir))
    }

    /// Stores `bytes` under `sha256` unless they are there already.
    pub async fn put(&self, sha256: &str, bytes: Bytes) -> Result<(), ObjectsError> {
        let put = self
            .store
            .put_opts(
                &key(sha256),
                PutPayload::from(bytes),
                PutMode::Create.into(),
            )
            .await;
        match put {
            // Content-addressed: what is there is the same bytes.
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// The bytes stored under `sha256`.
    pub async fn get(&self, sha256: &str) -> Result<Bytes, ObjectsError> {
        Ok(self.store.get(&key(sha256)).await?.bytes().await?)
    }
}

/// `ab/abcdef…`: a level of directories keeps any one of them small on a file system.
fn key(sha256: &str) -> ObjectPath {
    ObjectPath::from(sha256.get(..2).unwrap_or("00")).child(sha256)
}

#[cfg(feature = "s3")]
fn s3(location: &str, bucket_and_prefix: &str) -> Result<AttachmentObjects, ObjectsError> {
    use object_store::aws::AmazonS3Builder;
    use object_store::prefix::PrefixStore;

    let (bucket, prefix) = bucket_and_prefix
        .split_once('/')
        .unwrap_or((bucket_and_prefix, ""));
    if bucket.is_empty() {
        return Err(ObjectsError::Location {
            location: location.to_owned(),
            reason: "no bucket named".to_owned(),
        });
    }
    let store = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .build()?;
    let prefix = prefix.trim_matches('/');
    Ok(if prefix.is_empty() {
        AttachmentObjects::new(Arc::new(store))
    } else {
        AttachmentObjects::new(Arc::new(PrefixStore::new(store, prefix)))
    })
}

#[cfg(not(feature = "s3"))]
fn s3(location: &str, _bucket_and_prefix: &str) -> Result<AttachmentObjects, ObjectsError> {
    Err(ObjectsError::Location {
        location: location.to_owned(),
        reason: "this build has no S3 support: build ping-backend with `--features s3`".to_owned(),
    })
}

//! A scratch directory of the demo and the bench, removed when dropped.

use std::fs::{self, DirBuilder};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// A fresh directory (mode 0700) under a parent, removed with its content
/// when dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// A new directory `transfer-<pid>-<n>` in `parent`.
    ///
    /// # Errors
    /// It cannot be created.
    pub fn new_in(parent: &Path) -> io::Result<Self> {
        for n in 0u32.. {
            let path = parent.join(format!("transfer-{}-{n}", std::process::id()));
            match DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(Self { path }),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(err),
            }
        }
        Err(io::Error::other("no free scratch directory name"))
    }

    /// A new directory in the system's temporary directory.
    ///
    /// # Errors
    /// It cannot be created.
    pub fn new() -> io::Result<Self> {
        Self::new_in(&std::env::temp_dir())
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // Best effort: a scratch directory left behind is harmless.
        let _ = fs::remove_dir_all(&self.path);
    }
}

//! The output directory: received files at its top level, temporary files
//! in its subdirectory [`PARTIAL_DIR`], which no wire name can reach (a name
//! never contains `/`). A file named like a temporary file (say
//! `.transfer-AbC123.part`) is an ordinary received file, and the debris a
//! killed receiver leaves behind is exactly the content of the
//! subdirectory, which the next receiver removes before it listens.
//!
//! One receiver per directory: it holds a lock on `PARTIAL_DIR/.lock`
//! (released by the system when the process ends, however it ends).

use std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The subdirectory of `--out` that holds the files being received.
pub const PARTIAL_DIR: &str = ".transfer-partial";

/// The lock file inside [`PARTIAL_DIR`].
const LOCK_FILE: &str = ".lock";

/// Suffix of a temporary file: `PARTIAL_DIR/<number>.part`.
const TEMP_SUFFIX: &str = ".part";

/// The output directory of a running receiver.
#[derive(Debug)]
pub struct OutDir {
    root: PathBuf,
    partial: PathBuf,
    next: AtomicU64,
    /// Held for as long as the receiver runs.
    _lock: File,
}

/// What a killed run left behind and was removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Debris {
    /// Temporary files removed.
    pub files: u64,
    /// Their total size.
    pub bytes: u64,
}

impl OutDir {
    /// Creates `root` and its partial directory if missing, takes the lock,
    /// and removes the temporary files of an earlier run.
    ///
    /// # Errors
    /// The directory cannot be created or locked, another receiver holds
    /// it, or `PARTIAL_DIR` exists and is not a directory.
    pub fn open(root: &Path) -> Result<(Self, Debris), String> {
        fs::create_dir_all(root)
            .map_err(|err| format!("cannot create {}: {err}", root.display()))?;
        let partial = root.join(PARTIAL_DIR);
        prepare_partial(&partial)?;
        let lock = lock(&partial)?;
        let debris = remove_debris(&partial)
            .map_err(|err| format!("cannot clear {}: {err}", partial.display()))?;
        let dir = Self {
            root: root.to_owned(),
            partial,
            next: AtomicU64::new(0),
            _lock: lock,
        };
        Ok((dir, debris))
    }

    /// Where a file of this (checked) name goes.
    pub fn target(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// A new, empty temporary file (mode 0600), removed when dropped unless
    /// persisted.
    ///
    /// # Errors
    /// The file cannot be created.
    pub fn temporary(&self) -> io::Result<TempFile> {
        loop {
            let number = self.next.fetch_add(1, Ordering::Relaxed);
            let path = self.partial.join(format!("{number}{TEMP_SUFFIX}"));
            let opened = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path);
            match opened {
                Ok(file) => return Ok(TempFile { path, file }),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(err),
            }
        }
    }
}

/// Makes sure `partial` is a real directory (not a symlink, not a file).
fn prepare_partial(partial: &Path) -> Result<(), String> {
    match partial.symlink_metadata() {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(format!(
            "{} exists and is not a directory; the receiver keeps its temporary files there: move it away",
            partial.display()
        )),
        Err(err) if err.kind() == io::ErrorKind::NotFound => DirBuilder::new()
            .mode(0o700)
            .create(partial)
            .map_err(|err| format!("cannot create {}: {err}", partial.display())),
        Err(err) => Err(format!("cannot inspect {}: {err}", partial.display())),
    }
}

/// Takes the lock of the partial directory.
fn lock(partial: &Path) -> Result<File, String> {
    let path = partial.join(LOCK_FILE);
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(|err| format!("cannot open {}: {err}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(format!(
            "another `transfer recv` is receiving into {}",
            partial.parent().unwrap_or(partial).display()
        )),
        Err(TryLockError::Error(err)) => Err(format!("cannot lock {}: {err}", path.display())),
    }
}

/// Removes the temporary files (`<number>.part`) in `partial`, and nothing
/// else.
fn remove_debris(partial: &Path) -> io::Result<Debris> {
    let mut debris = Debris::default();
    for entry in fs::read_dir(partial)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_file() && is_temporary_name(&entry.file_name().to_string_lossy()) {
            fs::remove_file(entry.path())?;
            debris.files += 1;
            debris.bytes += meta.len();
        }
    }
    Ok(debris)
}

/// `<digits>.part`, as [`OutDir::temporary`] names them.
fn is_temporary_name(name: &str) -> bool {
    name.strip_suffix(TEMP_SUFFIX)
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// A file being received; removed when dropped unless persisted.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    file: File,
}

/// Why a complete temporary file could not take its name.
#[derive(Debug)]
pub enum PersistError {
    /// Something of that name exists (a file, a directory, a symlink).
    Exists,
    /// Any other error.
    Io(io::Error),
}

impl TempFile {
    /// Appends `bytes`.
    ///
    /// # Errors
    /// The write failed (disk full...).
    pub fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)
    }

    /// Gives the file its name, never replacing anything: a hard link
    /// fails if `target` exists (even as a dangling symlink, which is not
    /// followed); then the temporary name is removed.
    ///
    /// # Errors
    /// [`PersistError::Exists`] if `target` exists; the file is then
    /// removed.
    pub fn persist(self, target: &Path) -> Result<(), PersistError> {
        match fs::hard_link(&self.path, target) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Err(PersistError::Exists),
            Err(err) => Err(PersistError::Io(err)),
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Nothing to do if it is gone already; nobody to tell otherwise.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_numbers_with_the_suffix() {
        assert!(is_temporary_name("0.part"));
        assert!(is_temporary_name("123.part"));
        assert!(!is_temporary_name(".part"));
        assert!(!is_temporary_name("x1.part"));
        assert!(!is_temporary_name("1.part.bak"));
        assert!(!is_temporary_name(".lock"));
    }
}

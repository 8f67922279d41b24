//! Bounds on an uploaded CSV file, checked while it is read and before it is stored,
//! so a hostile file (a million columns, one huge cell, millions of rows) costs at
//! most what the limits allow and is refused with a message saying which.

use crate::AppError;

/// The limits of one upload (settings `IMPORT_MAX_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Size of the file.
    pub max_bytes: usize,
    /// Columns of the header and of every row.
    pub max_columns: usize,
    /// Size of the header row.
    pub max_header_bytes: usize,
    /// Size of any one cell.
    pub max_cell_bytes: usize,
    /// Data rows.
    pub max_rows: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_bytes: 25 * 1024 * 1024,
            max_columns: 100,
            max_header_bytes: 16 * 1024,
            max_cell_bytes: 1024,
            max_rows: 250_000,
        }
    }
}

fn thousands(n: usize) -> String {
    crate::format::thousands(n as u64)
}

fn refuse(message: String) -> AppError {
    AppError::invalid("file", message)
}

impl ImportLimits {
    /// A file already stored passed the limits when it was uploaded; reading it again
    /// must not depend on today's settings.
    pub const STORED: Self = Self {
        max_bytes: usize::MAX,
        max_columns: usize::MAX,
        max_header_bytes: usize::MAX,
        max_cell_bytes: usize::MAX,
        max_rows: usize::MAX,
    };

    pub fn too_large(&self) -> AppError {
        refuse(format!(
            "The file is larger than {} bytes ({} MB): split it into smaller files.",
            thousands(self.max_bytes),
            self.max_bytes / (1024 * 1024)
        ))
    }

    pub fn check_header(&self, header: &csv::StringRecord) -> Result<(), AppError> {
        if header.len() > self.max_columns {
            return Err(refuse(format!(
                "The file has more than {} columns: keep only the columns to import.",
                thousands(self.max_columns)
            )));
        }
        if header.as_slice().len() > self.max_header_bytes {
            return Err(refuse(format!(
                "The header row is longer than {} bytes: shorten the column names.",
                thousands(self.max_header_bytes)
            )));
        }
        Ok(())
    }

    /// Checks data row `row` (1-based), the `row`-th seen.
    pub fn check_row(&self, row: usize, record: &csv::StringRecord) -> Result<(), AppError> {
        if row > self.max_rows {
            return Err(refuse(format!(
                "The file has more than {} rows: split it into smaller files.",
                thousands(self.max_rows)
            )));
        }
        if record.len() > self.max_columns {
            return Err(refuse(format!(
                "Data row {row} has more than {} columns.",
                thousands(self.max_columns)
            )));
        }
        if record.iter().any(|cell| cell.len() > self.max_cell_bytes) {
            return Err(refuse(format!(
                "Data row {row} holds a cell longer than {} bytes.",
                thousands(self.max_cell_bytes)
            )));
        }
        Ok(())
    }
}

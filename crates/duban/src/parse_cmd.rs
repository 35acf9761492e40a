//! `duban parse FILE... [--format json|md|csv] [-o OUT]`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{CliError, Format};

fn render(plan: &duban_plan::Plan, format: Format) -> Result<String, CliError> {
    Ok(match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(plan).map_err(|e| CliError { code: 1, message: e.to_string() })?;
            s.push('\n');
            s
        }
        Format::Md => duban_plan::render::markdown(plan),
        Format::Csv => duban_plan::render::csv(plan),
    })
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Json => "json",
        Format::Md => "md",
        Format::Csv => "csv",
    }
}

fn parse_file(path: &Path) -> Result<duban_plan::Plan, CliError> {
    let meta = std::fs::metadata(path).map_err(|e| CliError::input(path, e))?;
    if meta.is_dir() {
        return Err(CliError::input(path, "is a directory"));
    }
    if meta.len() > duban_plan::MAX_INPUT_BYTES as u64 {
        return Err(CliError::input(
            path,
            format!("the file is too large ({} bytes; the limit is {} bytes)", meta.len(), duban_plan::MAX_INPUT_BYTES),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| CliError::input(path, e))?;
    duban_plan::parse_bytes(&bytes).map_err(|e| CliError::input(path, e))
}

/// Write through a temporary file and rename, so a failed write leaves no half-written output.
fn write_atomically(path: &Path, contents: &str) -> Result<(), CliError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(CliError::io(path, &e));
    }
    Ok(())
}

pub fn run(files: &[PathBuf], format: Format, output: Option<&Path>) -> Result<(), CliError> {
    // Parse everything first: a bad input fails the run before anything is written.
    let mut plans = Vec::with_capacity(files.len());
    for f in files {
        plans.push((f, parse_file(f)?));
    }
    match (output, plans.as_slice()) {
        (None, _) => {
            let mut stdout = std::io::stdout().lock();
            for (_, plan) in &plans {
                stdout
                    .write_all(render(plan, format)?.as_bytes())
                    .map_err(|e| CliError { code: 1, message: format!("stdout: {e}") })?;
            }
            Ok(())
        }
        (Some(out), [(_, plan)]) if !out.is_dir() => write_atomically(out, &render(plan, format)?),
        (Some(dir), _) => {
            std::fs::create_dir_all(dir).map_err(|e| CliError::io(dir, &e))?;
            for (src, plan) in &plans {
                let stem = src.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "plan".into());
                write_atomically(&dir.join(format!("{stem}.{}", extension(format))), &render(plan, format)?)?;
            }
            Ok(())
        }
    }
}

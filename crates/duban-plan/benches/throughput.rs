//! Parse throughput over the corpus, beside the floor of reading and UTF-8-validating the same
//! bytes. Run with `cargo bench -p duban-plan --bench throughput`; set DUBAN_CORPUS to a directory
//! of .txt plans (default: ../shared/corpus/docs if present, else the bundled fixtures).
//!
//! Per format: set DUBAN_FORMS to the directory `scripts/corpus_score.py --keep DIR` wrote, and each
//! form's files (`DIR/corpus/FORM/in`, `DIR/corpus2/FORM/in`: GBK, .docx, web page, PDF …) are read,
//! decoded and parsed, the rate given in bytes of the files as they come.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::var_os("DUBAN_CORPUS").map(PathBuf::from).unwrap_or_else(|| {
        let shared = root.join("../shared/corpus/docs");
        if shared.is_dir() { shared } else { root.join("fixtures") }
    });
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

/// Run `f` repeatedly for at least `budget` and return bytes per second.
fn rate(bytes: usize, budget: Duration, mut f: impl FnMut() -> usize) -> f64 {
    let start = Instant::now();
    let mut runs = 0u64;
    let mut sink = 0usize;
    while start.elapsed() < budget || runs < 3 {
        sink = sink.wrapping_add(f());
        runs += 1;
    }
    std::hint::black_box(sink);
    bytes as f64 * runs as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let files = corpus_files();
    let total: usize = files.iter().map(|f| std::fs::metadata(f).unwrap().len() as usize).sum();
    let budget = Duration::from_secs(2);
    let floor = rate(total, budget, || {
        files.iter().map(|f| std::str::from_utf8(&std::fs::read(f).unwrap()).map(str::len).unwrap_or(0)).sum()
    });
    let parse = rate(total, budget, || {
        files
            .iter()
            .map(|f| duban_plan::parse_bytes(&std::fs::read(f).unwrap()).map(|p| p.items.len()).unwrap_or(0))
            .sum()
    });
    let mb = |r: f64| r / 1e6;
    println!("corpus: {} files, {} bytes", files.len(), total);
    println!("floor (read + UTF-8 validate): {:>10.1} MB/s", mb(floor));
    println!("parse (read + decode + parse): {:>10.1} MB/s", mb(parse));
    println!("ratio floor/parse:             {:>10.1}x", floor / parse);
    // Linearity: the same text repeated 1, 4 and 16 times.
    let one: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect::<Vec<_>>().join("\n");
    for k in [1usize, 4, 16] {
        let text = vec![one.as_str(); k].join("\n");
        let r = rate(text.len(), budget, || duban_plan::parse_text(&text).items.len());
        println!("parse_text on {:>8} bytes:   {:>10.1} MB/s", text.len(), mb(r));
    }
    if let Some(forms) = std::env::var_os("DUBAN_FORMS").map(PathBuf::from) {
        for corpus in ["corpus", "corpus2"] {
            let Ok(entries) = std::fs::read_dir(forms.join(corpus)) else { continue };
            let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
            names.sort();
            for form in names {
                let dir = forms.join(corpus).join(&form).join("in");
                let Ok(files) = std::fs::read_dir(&dir) else { continue };
                let data: Vec<Vec<u8>> = files.filter_map(|e| std::fs::read(e.ok()?.path()).ok()).collect();
                let bytes: usize = data.iter().map(Vec::len).sum();
                let r = rate(bytes, budget, || {
                    data.iter().map(|d| duban_plan::parse_bytes(d).map(|p| p.items.len()).unwrap_or(0)).sum()
                });
                println!("{corpus:>8} {form:>22}: {:>3} files {:>9} bytes {:>8.1} MB/s", data.len(), bytes, mb(r));
            }
        }
    }
}

//! The typst `World` a document is compiled in: the one template, the document's data,
//! logo and e-invoice (`/factur-x.xml`) as virtual files, the fonts loaded once at
//! startup. Nothing else exists in it: no file system, no packages, no network, no clock.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The template, one for both kinds; user text never enters it (it reads `/data.json`).
pub const TEMPLATE: &str = include_str!("invoice.typ");
/// Changes whenever the template's look changes, so cached PDFs (ETags) do too.
pub const TEMPLATE_VERSION: &str = "2";

fn file(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

static MAIN: LazyLock<FileId> = LazyLock::new(|| file("/invoice.typ"));
static DATA: LazyLock<FileId> = LazyLock::new(|| file("/data.json"));
static LOGO: LazyLock<FileId> = LazyLock::new(|| file("/logo"));
static EINVOICE: LazyLock<FileId> = LazyLock::new(|| file("/factur-x.xml"));

/// typst-assets' fonts, parsed once per process however many renderers it builds (a
/// `Font` is a shared handle to its bytes).
static EMBEDDED: LazyLock<Vec<Font>> = LazyLock::new(|| {
    typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect()
});

/// What every compilation shares: built once per process.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
}

impl Engine {
    /// The embedded fonts (Latin, Greek, Cyrillic) and every font file found directly in
    /// `font_dir`; a file that is not a font is skipped with a warning.
    pub fn new(font_dir: Option<&Path>) -> Engine {
        let mut fonts: Vec<Font> = EMBEDDED.clone();
        if let Some(dir) = font_dir {
            fonts.extend(fonts_in(dir));
        }
        Engine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            main: Source::new(*MAIN, TEMPLATE.to_string()),
        }
    }

    pub fn font_count(&self) -> usize {
        self.fonts.len()
    }

    /// `text` as the fonts can print it: PDF/A refuses a glyph no font has, so a control
    /// character is dropped and an uncovered one shows as `?` (user text is free-form).
    pub fn printable(&self, text: &str) -> String {
        text.chars()
            .filter(|c| *c == '\n' || !c.is_control())
            .map(|c| {
                let covered = c == '\n'
                    || c == ' '
                    || self
                        .fonts
                        .iter()
                        .any(|f| f.info().coverage.contains(c as u32));
                if covered { c } else { '?' }
            })
            .collect()
    }
}

/// Every string in the template's data made printable (see `Engine::printable`).
pub fn printable_data(engine: &Engine, value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = engine.printable(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| printable_data(engine, v)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| printable_data(engine, v)),
        _ => {}
    }
}

fn fonts_in(dir: &Path) -> Vec<Font> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            tracing::warn!(dir = %dir.display(), %error, "PDF_FONT_DIR unreadable; embedded fonts only");
            return Vec::new();
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["ttf", "otf", "ttc", "otc"].contains(&e.to_ascii_lowercase().as_str())
            })
        })
        .collect();
    // A stable order: the font book's indices, and so the output, don't depend on it.
    paths.sort();
    let mut fonts = Vec::new();
    for path in paths {
        match std::fs::read(&path) {
            Ok(data) => {
                let before = fonts.len();
                fonts.extend(Font::iter(Bytes::new(data)));
                if fonts.len() == before {
                    tracing::warn!(file = %path.display(), "not a font; skipped");
                }
            }
            Err(error) => tracing::warn!(file = %path.display(), %error, "font unreadable"),
        }
    }
    fonts
}

/// One document's world: the shared engine plus its data and logo.
pub struct DocumentWorld {
    engine: Arc<Engine>,
    data: Bytes,
    logo: Option<Bytes>,
    einvoice: Option<Bytes>,
}

impl DocumentWorld {
    pub fn new(
        engine: Arc<Engine>,
        data: Vec<u8>,
        logo: Option<Vec<u8>>,
        einvoice: Option<Vec<u8>>,
    ) -> Self {
        DocumentWorld {
            engine,
            data: Bytes::new(data),
            logo: logo.map(Bytes::new),
            einvoice: einvoice.map(Bytes::new),
        }
    }
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        *MAIN
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN {
            Ok(self.engine.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA {
            Ok(self.data.clone())
        } else if id == *LOGO {
            self.logo.clone().ok_or(FileError::AccessDenied)
        } else if id == *EINVOICE {
            self.einvoice.clone().ok_or(FileError::AccessDenied)
        } else if id == *MAIN {
            Ok(Bytes::from_string(self.engine.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Documents show their own dates; "today" would make the same version differ.
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_directory_adds_its_fonts_and_skips_what_is_not_one() {
        let dir = std::env::temp_dir().join(format!("koteshen-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let embedded = Engine::new(None).font_count();
        let first = typst_assets::fonts().next().unwrap();
        std::fs::write(dir.join("Extra.OTF"), first).unwrap();
        std::fs::write(dir.join("broken.ttf"), b"not a font").unwrap();
        std::fs::write(dir.join("readme.txt"), b"ignored").unwrap();
        let with_dir = Engine::new(Some(&dir)).font_count();
        let missing = Engine::new(Some(&dir.join("missing"))).font_count();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            embedded > 10,
            "Libertinus, New Computer Modern, DejaVu: {embedded}"
        );
        assert_eq!(with_dir, embedded + 1);
        assert_eq!(
            missing, embedded,
            "an unreadable directory: the embedded fonts only"
        );
    }
}

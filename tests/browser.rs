//! The book as a reader gets it: built with mdbook, served over HTTP, opened page by page in
//! headless Chromium.
//!
//! Per page: no JavaScript errors (uncaught exceptions, `console.error`, resources that fail to
//! load), a `<title>` and a first heading that are not empty, every link within the site leads to
//! a page that exists and every `#anchor` to an element with that id, no `{{#` directive left in
//! the text. Across the book: the search box finds "loom" and its first result opens a chapter
//! at the right place; hints (`<details>`) are folded when a page opens and open on a click;
//! every included code block is on its page and highlighted by highlight.js.
//!
//! Needs mdbook and a Chromium (or Chrome) on the machine; see `tools.rs` for what happens
//! without them. The book is built under the test's target folder, never into `book/`.

#[path = "browser/book.rs"]
mod book;
#[path = "browser/server.rs"]
mod server;
#[path = "browser/session.rs"]
mod session;
#[path = "browser/tools.rs"]
mod tools;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use serde::Deserialize;

use server::Server;
use session::Session;

/// What `inspect.js` reads from a page.
#[derive(Deserialize)]
struct Page {
    path: String,
    fragment: String,
    title: String,
    heading: Option<Heading>,
    text: String,
    links: Vec<Link>,
    ids: BTreeSet<String>,
    leftovers: Vec<String>,
    details: Vec<Hint>,
    code: Vec<Code>,
    images: Vec<Image>,
}

#[derive(Deserialize)]
struct Image {
    src: String,
    shown: bool,
}

#[derive(Deserialize)]
struct Heading {
    tag: String,
    text: String,
}

#[derive(Deserialize)]
struct Link {
    href: String,
    path: String,
    fragment: String,
    text: String,
}

#[derive(Deserialize)]
struct Hint {
    summary: String,
    /// When the page had just loaded.
    open: bool,
    shown: bool,
    /// After a click, when asked for: a pointer at the summary's middle reaches it, and the
    /// hint then opens and shows its text.
    reachable: Option<bool>,
    opens: Option<bool>,
}

#[derive(Deserialize)]
struct Code {
    classes: String,
    spans: usize,
    text: String,
}

const INSPECT: &str = include_str!("browser/inspect.js");

/// Where the 404 page is opened: a path that does not exist, two folders deep, as a reader who
/// mistypes a URL would reach it.
const MISSING: &str = "no/such/page.html";

/// Languages highlight.js leaves without markup: their blocks only need the `hljs` class.
const PLAIN_LANGUAGES: &[&str] = &["", "text", "txt", "plain", "plaintext", "console", "output"];

#[test]
fn the_book_works_in_a_real_browser() {
    let Some(tools) = tools::find() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = check_book(tools, root, "browser-book");
    println!("{}", checked.summary);
    assert!(
        checked.problems.is_empty(),
        "the book has {} problem(s) in a browser:\n- {}",
        checked.problems.len(),
        checked.problems.join("\n- ")
    );
}

/// The checks themselves, on a small book broken on purpose: each breakage must be reported.
#[test]
fn a_broken_book_fails_each_check() {
    let Some(tools) = tools::find() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/broken-book");
    let checked = check_book(tools, &root, "browser-broken-book");
    let expected = [
        "broken.html: link `missing.html` (\"a page that is not there\") leads to missing.html, which does not exist",
        "broken.html: link `fine.html#no-such-heading` (\"a heading that is not there\"): fine.html has no element with id `no-such-heading`",
        "broken.html: no heading in <main>",
        "broken.html: a directive mdbook did not expand: \"directive stays on the page: {{#inclued code.rs}}\"",
        "broken.html: hint \"Hint: open from the start\" is not folded when the page opens",
        "broken.html: hint \"Hint: under a cover\": something covers its summary",
        "broken.md:",
        "no code block on broken.html shows its line `pub fn hidden_from_readers() {}`",
        "broken.html: uncaught exception: Error: thrown by the page",
        "broken.html: console.error: logged by the page",
        "the browser asked for /no-such-image.png, which the book does not have",
        "broken.html: image `no-such-image.png` does not display",
        // An SVG whose comment holds `--` is not XML: a browser shows nothing.
        "broken.html: image `not-xml.svg` does not display",
    ];
    let missed: Vec<&str> = expected
        .iter()
        .filter(|e| !checked.problems.iter().any(|p| p.contains(*e)))
        .copied()
        .collect();
    assert!(
        missed.is_empty(),
        "the browser test did not report:\n  {}\nIt reported:\n  {}",
        missed.join("\n  "),
        checked.problems.join("\n  ")
    );
}

/// What `check_book` found.
struct Checked {
    problems: Vec<String>,
    summary: String,
}

/// Builds the book at `root` into the test's target folder (`name`), serves it, and checks it
/// in the browser.
fn check_book(tools: &tools::Tools, root: &Path, name: &str) -> Checked {
    let started = Instant::now();
    let src = book::source_dir(root);
    let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let mut problems = book::build(&tools.mdbook, root, &site);
    assert!(
        site.join("index.html").is_file(),
        "mdbook built no book from {}:\n{}",
        root.display(),
        problems.join("\n")
    );
    let built = started.elapsed();

    let chapters = book::chapters(&src);
    let server = Server::start(&site).expect("cannot start the book's HTTP server");
    let session = Session::launch(&tools.browser).unwrap_or_else(|e| panic!("{e}"));
    let launched = started.elapsed();

    let mut pages = BTreeMap::new();
    for path in html_files(&site) {
        let is_chapter = path == "index.html" || chapters.iter().any(|c| c.html == path);
        let url = if path == "404.html" {
            server.url(MISSING)
        } else {
            server.url(&path)
        };
        let options = Options {
            code: is_chapter,
            hints: is_chapter,
            ..Options::default()
        };
        let read = session
            .open(&url, &path)
            .and_then(|()| inspect(&session, &path, Some(&url), options));
        match read {
            Ok(page) => {
                check_page(&path, &page, &mut problems);
                pages.insert(path, page);
            }
            Err(e) => problems.push(format!("{path}: {e}")),
        }
    }
    let visited = started.elapsed();

    let links = check_links(&site, &pages, &mut problems);
    let included = check_included_code(&src, &chapters, &pages, &mut problems);
    let hints = check_hint_click(&session, &server, &pages, &mut problems);
    let landed = check_search(&session, &server, &chapters, &mut problems);

    // Two errors are expected: the 404 page's own status, and the /favicon.ico Chromium asks
    // for when a top-level page names no icon (of the book's pages only toc.html, which readers
    // only ever see inside a frame). An error is reported with the page open when its event was
    // handled, which can already be the next one: these two are recognised by their URL alone.
    for error in session.take_errors() {
        let expected = error.message.contains(MISSING) || error.message.contains("/favicon.ico");
        if !expected {
            problems.push(format!("{}: {}", error.page, error.message));
        }
    }
    for path in server.take_missing() {
        if path.trim_start_matches('/') != MISSING && path != "/favicon.ico" {
            problems.push(format!(
                "the browser asked for {path}, which the book does not have"
            ));
        }
    }
    let summary = format!(
        "checked {} pages, {links} links, {hints} hints, {included} included code blocks; search \
         for \"loom\" landed on {landed}; book built in {built:.1?}, browser up at {launched:.1?}, \
         pages visited at {visited:.1?}, done at {:.1?}",
        pages.len(),
        started.elapsed()
    );
    Checked { problems, summary }
}

/// The site's `.html` files, as paths relative to its root with `/` separators.
fn html_files(site: &Path) -> Vec<String> {
    fn walk(dir: &Path, site: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("cannot list the built book") {
            let path = entry.expect("cannot list the built book").path();
            if path.is_dir() {
                walk(&path, site, found);
            } else if path.extension().is_some_and(|e| e == "html") {
                let relative = path.strip_prefix(site).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut found = Vec::new();
    walk(site, site, &mut found);
    found.sort();
    found
}

/// What `inspect.js` is asked for.
#[derive(Default, Clone, Copy)]
struct Options {
    code: bool,
    text: bool,
    hints: bool,
}

/// Reads the page that is loading, once it has loaded: the one at `url`, or with `None`,
/// whichever replaced the document `mark_document` marked.
fn inspect(
    session: &Session,
    what: &str,
    url: Option<&str>,
    options: Options,
) -> Result<Page, String> {
    let options = serde_json::json!({
        "url": url,
        "code": options.code,
        "text": options.text,
        "hints": options.hints,
    });
    let value = session.poll(
        &format!("{what} to load and be read"),
        &format!("({INSPECT})({options})"),
    )?;
    serde_json::from_value(value).map_err(|e| format!("reading {what}: {e}"))
}

/// What one page must have on its own.
fn check_page(path: &str, page: &Page, problems: &mut Vec<String>) {
    // toc.html is the sidebar's frame for readers without JavaScript: a list of links, with no
    // title or heading of its own.
    if path != "toc.html" {
        if page.title.is_empty() {
            problems.push(format!("{path}: the <title> is empty"));
        }
        match &page.heading {
            None => problems.push(format!("{path}: no heading in <main>")),
            Some(h) if h.text.is_empty() => {
                problems.push(format!("{path}: its first heading (<{}>) is empty", h.tag))
            }
            Some(_) => {}
        }
    }
    for image in &page.images {
        if !image.shown {
            problems.push(format!(
                "{path}: image `{}` does not display (missing, or not an image the browser can read)",
                image.src
            ));
        }
    }
    for leftover in &page.leftovers {
        problems.push(format!(
            "{path}: a directive mdbook did not expand: \"{leftover}\""
        ));
    }
    for hint in &page.details {
        let name = format!("{path}: hint \"{}\"", hint.summary);
        if hint.summary.is_empty() {
            problems.push(format!("{path}: a hint has no <summary> text"));
        }
        if hint.open || hint.shown {
            problems.push(format!("{name} is not folded when the page opens"));
        }
        if hint.reachable == Some(false) {
            problems.push(format!("{name}: something covers its summary"));
        }
        if hint.opens == Some(false) {
            problems.push(format!(
                "{name} does not open, or shows nothing, on a click"
            ));
        }
    }
}

/// Every link within the site leads to a file, and every `#fragment` to an element with that id
/// on its page. Returns how many distinct links were checked.
fn check_links(site: &Path, pages: &BTreeMap<String, Page>, problems: &mut Vec<String>) -> usize {
    let mut seen = BTreeSet::new();
    for (from, page) in pages {
        for link in &page.links {
            if from == "404.html" && link.href.starts_with('#') {
                // mdbook gives the 404 page `<base href="site-url">` so that it works at any
                // depth; its heading's own `#` link then points at the home page. mdbook's
                // design, not the book's: left out.
                continue;
            }
            if !seen.insert((link.path.clone(), link.fragment.clone())) {
                continue;
            }
            let mut target = link.path.trim_start_matches('/').to_string();
            if target.is_empty() || target.ends_with('/') {
                target.push_str("index.html");
            }
            let shown = format!("{from}: link `{}` (\"{}\")", link.href, link.text);
            if !site.join(&target).is_file() {
                problems.push(format!("{shown} leads to {target}, which does not exist"));
                continue;
            }
            if link.fragment.is_empty() || !target.ends_with(".html") {
                continue;
            }
            match pages.get(&target) {
                Some(to) if to.ids.contains(&link.fragment) => {}
                Some(_) => problems.push(format!(
                    "{shown}: {target} has no element with id `{}`",
                    link.fragment
                )),
                None => problems.push(format!("{shown}: {target} was not visited")),
            }
        }
    }
    seen.len()
}

/// Every `{{#include}}` of code in a chapter is on the rendered page, highlighted; and so is
/// every other code block. Returns how many included blocks were found.
fn check_included_code(
    src: &Path,
    chapters: &[book::Chapter],
    pages: &BTreeMap<String, Page>,
    problems: &mut Vec<String>,
) -> usize {
    let mut found = 0;
    for chapter in chapters {
        let Some(page) = pages.get(&chapter.html) else {
            problems.push(format!("{}: not built, or not visited", chapter.html));
            continue;
        };
        for include in book::included_code(src, &chapter.source) {
            let what = format!("{} `{}`", include.at, include.directive);
            let probe = match &include.probe {
                Ok(probe) => probe,
                Err(e) => {
                    problems.push(format!("{what}: {e}"));
                    continue;
                }
            };
            let Some(block) = page.code.iter().find(|c| c.text.contains(probe.as_str())) else {
                problems.push(format!(
                    "{what}: no code block on {} shows its line `{probe}`",
                    chapter.html
                ));
                continue;
            };
            found += 1;
            let plain = PLAIN_LANGUAGES.contains(&include.language.as_str());
            if !block.classes.split(' ').any(|c| c == "hljs") || (!plain && block.spans == 0) {
                problems.push(format!(
                    "{what}: its block on {} is not highlighted (classes `{}`, {} highlighted spans)",
                    chapter.html, block.classes, block.spans
                ));
            }
        }
        let bare = page
            .code
            .iter()
            .filter(|c| !c.classes.split(' ').any(|c| c == "hljs"))
            .count();
        if bare > 0 {
            problems.push(format!(
                "{}: {bare} code block(s) without highlight.js's `hljs` class",
                chapter.html
            ));
        }
    }
    found
}

/// Searching "loom" from the first page finds something, and its first result opens a chapter,
/// where the word is, at the anchor the result named. Returns where it landed.
fn check_search(
    session: &Session,
    server: &Server,
    chapters: &[book::Chapter],
    problems: &mut Vec<String>,
) -> String {
    let landed = (|| -> Result<String, String> {
        let url = server.url("index.html");
        session.open(&url, "index.html (search)")?;
        inspect(session, "index.html", Some(&url), Options::default())?;
        session.click("#mdbook-search-toggle", 0)?;
        session.wait_until(
            "the search box to take the keyboard focus",
            "document.activeElement && document.activeElement.id === 'mdbook-searchbar'",
        )?;
        session.type_text("loom")?;
        session.wait_until(
            "results for \"loom\" under the search box",
            "document.querySelectorAll('#mdbook-searchresults li a').length > 0",
        )?;
        let result = "the first search result for \"loom\"";
        session.mark_document(result)?;
        session.click("#mdbook-searchresults li a", 0)?;
        let options = Options {
            text: true,
            ..Options::default()
        };
        let page = inspect(session, result, None, options)?;
        session.wait_until(
            "the search term to be highlighted on the result's page",
            "document.querySelectorAll('main mark').length > 0",
        )?;
        let path = page.path.trim_start_matches('/').to_string();
        let landed = format!("{path}#{}", page.fragment);
        if !chapters.iter().any(|c| c.html == path) {
            return Err(format!("its first result opened {landed}, not a chapter"));
        }
        if !page.text.to_lowercase().contains("loom") {
            return Err(format!(
                "its first result opened {landed}, which does not say loom"
            ));
        }
        if !page.fragment.is_empty() && !page.ids.contains(&page.fragment) {
            return Err(format!(
                "its first result opened {landed}, which has no such anchor"
            ));
        }
        Ok(landed)
    })();
    landed.unwrap_or_else(|e| {
        problems.push(format!("search for \"loom\": {e}"));
        "nothing".to_string()
    })
}

/// Every hint was clicked open from JavaScript, where a pointer would reach it; one is also
/// clicked with the mouse, through Chromium's input pipeline, on a freshly loaded chapter.
/// Returns how many hints opened on a click.
fn check_hint_click(
    session: &Session,
    server: &Server,
    pages: &BTreeMap<String, Page>,
    problems: &mut Vec<String>,
) -> usize {
    let opened = pages
        .values()
        .flat_map(|p| &p.details)
        .filter(|h| h.opens == Some(true))
        .count();
    let Some((path, index, hint)) = pages
        .iter()
        .filter(|(path, _)| path.as_str() != "index.html")
        .find_map(|(path, page)| {
            let folded = page.details.iter().position(|h| !h.open && !h.shown)?;
            Some((path, folded, &page.details[folded]))
        })
    else {
        return opened;
    };
    let clicked = (|| -> Result<(), String> {
        let url = server.url(path);
        session.open(&url, path)?;
        inspect(session, path, Some(&url), Options::default())?;
        session.click("main details > summary", index)?;
        session.wait_until(
            &format!(
                "hint \"{}\" on {path} to open on a mouse click",
                hint.summary
            ),
            &format!("document.querySelectorAll('main details')[{index}].open"),
        )
    })();
    if let Err(e) = clicked {
        problems.push(format!("{path}: {e}"));
    }
    opened
}

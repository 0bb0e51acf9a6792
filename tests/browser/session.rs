//! Headless Chromium, driven over the DevTools protocol with `headless_chrome`: one browser, one
//! tab, every wait bounded and named.
//!
//! JavaScript errors are collected from the moment the tab exists: uncaught exceptions, calls to
//! `console.error`/`console.assert`, and the browser's own error log (a resource that failed to
//! load, a blocked request).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::browser::tab::point::Point;
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument;
use headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption as ConsoleType;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions, Tab};

/// How long any one thing may take: a page to load, a search to answer, a hint to open. Generous:
/// it only exists to turn a hang into a failure that says what it waited for.
pub const WAIT: Duration = Duration::from_secs(20);

/// A JavaScript or browser error, and the page that was open when it came.
pub struct JsError {
    pub page: String,
    pub message: String,
}

pub struct Session {
    // Field order is drop order: the tab before the browser, whose drop kills Chromium.
    tab: Arc<Tab>,
    _browser: Browser,
    errors: Arc<Mutex<Vec<JsError>>>,
    page: Arc<Mutex<String>>,
}

impl Session {
    /// Starts the browser at `binary` headless, with a fresh profile (a temporary folder
    /// `headless_chrome` removes), and opens a tab.
    pub fn launch(binary: &Path) -> Result<Session, String> {
        let options = LaunchOptions::default_builder()
            .path(Some(binary.to_path_buf()))
            .headless(true)
            // The sandbox needs user namespaces, which root, containers and CI runners (Ubuntu's
            // AppArmor) often refuse; the pages come from this test's own server.
            .sandbox(false)
            .window_size(Some((1280, 1000)))
            // The DevTools connection closes after this long without a message from Chromium.
            .idle_browser_timeout(Duration::from_secs(120))
            // headless_chrome already passes --disable-background-networking, --disable-sync,
            // --no-first-run and --disable-gpu; these stop the rest of Chromium's own traffic,
            // which fails in bulk (and slowly) on a machine without network. The resolver rule
            // keeps every page on 127.0.0.1: a page that needs another host fails here the same
            // way with or without a network, and says which host.
            .args(vec![
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1".as_ref(),
                "--disable-quic".as_ref(),
                "--disable-component-update".as_ref(),
                "--disable-domain-reliability".as_ref(),
                "--no-default-browser-check".as_ref(),
            ])
            .build()
            .map_err(|e| format!("bad launch options: {e}"))?;
        let browser = Browser::new(options)
            .map_err(|e| format!("cannot start {}: {e:#}", binary.display()))?;
        let tab = browser
            .new_tab()
            .map_err(|e| format!("cannot open a tab: {e:#}"))?;
        tab.set_default_timeout(WAIT);
        let errors = Arc::new(Mutex::new(Vec::new()));
        let page = Arc::new(Mutex::new(String::from("(no page yet)")));
        {
            let (errors, page) = (errors.clone(), page.clone());
            let listener = move |event: &Event| {
                if let Some(message) = error_in(event) {
                    let page = page.lock().unwrap().clone();
                    errors.lock().unwrap().push(JsError { page, message });
                }
            };
            tab.add_event_listener(Arc::new(listener))
                .map_err(|e| format!("cannot listen to the tab: {e:#}"))?;
        }
        tab.enable_runtime()
            .and_then(|t| t.enable_log())
            .map_err(|e| format!("cannot enable the Runtime and Log domains: {e:#}"))?;
        // print.html calls window.print() once loaded; a test has no printer to wait for.
        tab.call_method(AddScriptToEvaluateOnNewDocument {
            source: "window.print = () => {};".to_string(),
            world_name: None,
            include_command_line_api: None,
            run_immediately: None,
        })
        .map_err(|e| format!("cannot install the print stub: {e:#}"))?;
        Ok(Session {
            tab,
            _browser: browser,
            errors,
            page,
        })
    }

    /// Starts opening `url`, naming it `page` in error reports. Does not wait: `poll` with a
    /// condition on the new page does (one round trip, where a wait here would take two).
    pub fn open(&self, url: &str, page: &str) -> Result<(), String> {
        *self.page.lock().unwrap() = page.to_string();
        self.tab
            .navigate_to(url)
            .map_err(|e| format!("cannot open {url}: {e:#}"))?;
        Ok(())
    }

    /// Marks the open document, so that `inspect.js` (with no URL) can tell it from the one
    /// that replaces it; errors from now on are reported as `page`'s.
    pub fn mark_document(&self, page: &str) -> Result<(), String> {
        *self.page.lock().unwrap() = page.to_string();
        self.tab
            .evaluate("window.__workbookOld = true", false)
            .map_err(|e| format!("cannot mark the document before {page}: {e:#}"))?;
        Ok(())
    }

    /// Evaluates `expression`, which must produce a JSON string, until that is not
    /// `{"loading": true}`, at most `WAIT`; `what` names what is waited for.
    ///
    /// Each call to the browser costs `headless_chrome` about 100 ms (rust-headless-chrome
    /// issue #446), so the page itself retries, every 10 ms for up to a second, before it
    /// answers.
    pub fn poll(&self, what: &str, expression: &str) -> Result<serde_json::Value, String> {
        let in_page = format!(
            "new Promise((resolve) => {{
                const started = Date.now();
                const attempt = () => {{
                    const answer = {expression};
                    if (!answer.startsWith('{{\"loading\"') || Date.now() - started > 1000) {{
                        resolve(answer);
                    }} else {{
                        setTimeout(attempt, 10);
                    }}
                }};
                attempt();
            }})"
        );
        let started = Instant::now();
        loop {
            // An evaluation fails when its page is replaced under it: that is "not yet".
            let text = self
                .tab
                .evaluate(&in_page, true)
                .ok()
                .and_then(|r| r.value)
                .and_then(|v| v.as_str().map(str::to_string));
            if let Some(text) = text {
                let value: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| format!("{what}: bad JSON from the page: {e}"))?;
                if let Some(error) = value.get("error") {
                    return Err(format!("{what}: failed in the page: {error}"));
                }
                if value.get("loading").is_none() {
                    return Ok(value);
                }
            }
            if started.elapsed() > WAIT {
                return Err(format!("waited {WAIT:?} for {what}, in vain"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits, at most `WAIT`, until the JavaScript `condition` is true on the open page.
    pub fn wait_until(&self, what: &str, condition: &str) -> Result<(), String> {
        let expression = format!("JSON.stringify(({condition}) ? {{}} : {{ loading: true }})");
        self.poll(&format!("{what} (until `{condition}`)"), &expression)
            .map(drop)
    }

    /// Clicks the `index`th element that matches `selector` with the mouse, at its middle, once
    /// scrolled into view; fails if something else covers that point.
    pub fn click(&self, selector: &str, index: usize) -> Result<(), String> {
        let what = format!("element {index} of `{selector}` to click");
        let quoted = serde_json::Value::from(selector);
        let found = self.poll(
            &what,
            &format!(
                "(() => {{
                    const e = document.querySelectorAll({quoted})[{index}];
                    if (!e) return JSON.stringify({{ loading: true }});
                    e.scrollIntoView({{ block: 'center', behavior: 'instant' }});
                    const box = e.getBoundingClientRect();
                    const x = box.left + box.width / 2, y = box.top + box.height / 2;
                    const hit = document.elementFromPoint(x, y);
                    return JSON.stringify({{ x, y, reachable: !!hit && e.contains(hit) }});
                }})()"
            ),
        )?;
        if found["reachable"] != true {
            return Err(format!(
                "{what}: something else covers its middle, so a click would not reach it"
            ));
        }
        let point = Point {
            x: found["x"].as_f64().unwrap_or(0.0),
            y: found["y"].as_f64().unwrap_or(0.0),
        };
        self.tab
            .click_point(point)
            .map_err(|e| format!("cannot click `{selector}` #{index}: {e:#}"))?;
        Ok(())
    }

    /// Types `text` into the element that has the keyboard focus, key by key.
    pub fn type_text(&self, text: &str) -> Result<(), String> {
        self.tab
            .type_str(text)
            .map_err(|e| format!("cannot type `{text}`: {e:#}"))?;
        Ok(())
    }

    /// The errors collected so far; clears the list.
    pub fn take_errors(&self) -> Vec<JsError> {
        std::mem::take(&mut *self.errors.lock().unwrap())
    }
}

/// The error an event reports, if it reports one.
fn error_in(event: &Event) -> Option<String> {
    match event {
        Event::RuntimeExceptionThrown(e) => {
            let details = &e.params.exception_details;
            let what = details
                .exception
                .as_ref()
                .and_then(|x| x.description.clone())
                .unwrap_or_else(|| details.text.clone());
            let place = details.url.clone().unwrap_or_default();
            Some(format!(
                "uncaught exception: {} ({place}:{})",
                what.lines().next().unwrap_or(""),
                details.line_number + 1
            ))
        }
        Event::RuntimeConsoleAPICalled(e)
            if matches!(e.params.Type, ConsoleType::Error | ConsoleType::Assert) =>
        {
            let text: Vec<String> = e
                .params
                .args
                .iter()
                .map(|arg| match &arg.value {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => arg.description.clone().unwrap_or_default(),
                })
                .collect();
            Some(format!("console.error: {}", text.join(" ")))
        }
        Event::LogEntryAdded(e) if matches!(e.params.entry.level, LogEntryLevel::Error) => {
            let entry = &e.params.entry;
            let place = entry.url.as_deref().unwrap_or("");
            Some(format!("browser log: {} ({place})", entry.text))
        }
        _ => None,
    }
}

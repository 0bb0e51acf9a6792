//! Concurrency-aware mutation operators over a solution file.
//!
//! Each operator finds places in the code the student writes (a solution file, see
//! [`crate::fills`]) where a typical concurrency mistake can be made, and says what to write
//! there instead. The mutated file is the solution file with one byte range replaced.

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Block, Expr, ExprCall, ExprMethodCall, ImplItemFn, Item, ItemFn, Stmt};

use crate::fills::Source;

/// Bump when an operator changes what it generates; each record says which version made it.
/// `cargo lab verify` makes the mutants again and finds a lab's record stale when their names
/// differ from the recorded ones, so a change of what a mutant does also changes its name (the
/// description after the function).
pub const VERSION: u32 = 3;

/// One place to mutate, and how.
#[derive(Debug, Clone)]
pub struct Site {
    pub operator: &'static str,
    /// The function it is in (`SpinLock<T>::lock`), or the item.
    pub function: String,
    pub range: std::ops::Range<usize>,
    pub replacement: String,
    /// What the change does, in a few words (`Release → Relaxed`).
    pub change: String,
}

/// Every site in `text`, in source order.
pub fn sites(text: &str) -> Result<Vec<Site>, String> {
    let file = syn::parse_file(text).map_err(|e| format!("does not parse: {e}"))?;
    let mut finder = Finder {
        src: Source::new(text),
        text,
        function: String::new(),
        impl_ty: String::new(),
        sites: Vec::new(),
        uses_rayon_join: text.contains("rayon::join") || text.contains("use rayon::join"),
    };
    finder.visit_file(&file);
    finder
        .sites
        .sort_by_key(|s| (s.range.start, s.range.end, s.operator));
    Ok(finder.sites)
}

struct Finder<'a> {
    src: Source<'a>,
    text: &'a str,
    function: String,
    impl_ty: String,
    sites: Vec<Site>,
    uses_rayon_join: bool,
}

const ORDERINGS: [&str; 5] = ["SeqCst", "AcqRel", "Acquire", "Release", "Relaxed"];

/// Which orderings an atomic operation's argument may be weakened to, one step.
fn weaker(kind: OrderingUse, from: &str) -> &'static [&'static str] {
    match (kind, from) {
        (OrderingUse::Load, "SeqCst") => &["Acquire"],
        (OrderingUse::Load, "Acquire") => &["Relaxed"],
        (OrderingUse::Store, "SeqCst") => &["Release"],
        (OrderingUse::Store, "Release") => &["Relaxed"],
        (OrderingUse::ReadModifyWrite, "SeqCst") => &["AcqRel"],
        (OrderingUse::ReadModifyWrite, "AcqRel") => &["Acquire", "Release"],
        (OrderingUse::ReadModifyWrite, "Acquire" | "Release") => &["Relaxed"],
        (OrderingUse::Fence, "SeqCst") => &["AcqRel"],
        (OrderingUse::Fence, "AcqRel") => &["Acquire", "Release"],
        // fence(Relaxed) panics: that is not a mistake anybody makes.
        _ => &[],
    }
}

#[derive(Debug, Clone, Copy)]
enum OrderingUse {
    Load,
    Store,
    ReadModifyWrite,
    Fence,
}

const RMW: [&str; 10] = [
    "swap",
    "fetch_add",
    "fetch_sub",
    "fetch_and",
    "fetch_nand",
    "fetch_or",
    "fetch_xor",
    "fetch_max",
    "fetch_min",
    "fetch_update",
];

const PARALLEL: [(&str, &str); 11] = [
    ("par_iter", "iter"),
    ("par_iter_mut", "iter_mut"),
    ("into_par_iter", "into_iter"),
    ("par_chunks", "chunks"),
    ("par_chunks_mut", "chunks_mut"),
    ("par_sort", "sort"),
    ("par_sort_unstable", "sort_unstable"),
    ("par_sort_by", "sort_by"),
    ("par_sort_by_key", "sort_by_key"),
    ("par_sort_unstable_by", "sort_unstable_by"),
    ("par_sort_unstable_by_key", "sort_unstable_by_key"),
];

impl Finder<'_> {
    fn range(&self, span: Span) -> std::ops::Range<usize> {
        self.src.offset(span.start())..self.src.offset(span.end())
    }

    fn text_of(&self, span: Span) -> &str {
        let r = self.range(span);
        &self.text[r]
    }

    fn push(&mut self, operator: &'static str, span: Span, replacement: String, change: String) {
        let range = self.range(span);
        self.push_range(operator, range, replacement, change);
    }

    fn push_range(
        &mut self,
        operator: &'static str,
        range: std::ops::Range<usize>,
        replacement: String,
        change: String,
    ) {
        if self.text[range.clone()] == replacement {
            return;
        }
        self.sites.push(Site {
            operator,
            function: self.function.clone(),
            range,
            replacement,
            change,
        });
    }

    /// `Ordering::X` (or a path ending in one of the orderings) in `expr`: its span and name.
    fn ordering(expr: &Expr) -> Option<(Span, String)> {
        if let Expr::Path(p) = expr {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            if ORDERINGS.contains(&name.as_str()) {
                return Some((last.ident.span(), name));
            }
        }
        None
    }

    fn weaken(&mut self, kind: OrderingUse, arg: &Expr) {
        if let Some((span, from)) = Self::ordering(arg) {
            for to in weaker(kind, &from) {
                self.push(
                    "weaken-ordering",
                    span,
                    (*to).to_string(),
                    format!("{from} → {to}"),
                );
            }
        }
    }

    fn method_call(&mut self, call: &ExprMethodCall) {
        let method = call.method.to_string();
        let args: Vec<&Expr> = call.args.iter().collect();
        match method.as_str() {
            "load" if args.len() == 1 => self.weaken(OrderingUse::Load, args[0]),
            "store" if args.len() == 2 => self.weaken(OrderingUse::Store, args[1]),
            "compare_exchange" | "compare_exchange_weak" if args.len() == 4 => {
                self.weaken(OrderingUse::ReadModifyWrite, args[2]);
                self.weaken(OrderingUse::Load, args[3]);
            }
            "fetch_update" if args.len() == 3 => {
                self.weaken(OrderingUse::ReadModifyWrite, args[0]);
                self.weaken(OrderingUse::Load, args[1]);
                // One compare-exchange where fetch_update retries until no thread got between.
                let receiver = self.text_of(call.receiver.span()).to_string();
                let set = self.text_of(args[0].span()).to_string();
                let fetch = self.text_of(args[1].span()).to_string();
                let f = self.text_of(args[2].span()).to_string();
                self.push(
                    "cas-once",
                    call.span(),
                    format!(
                        "{{ let current = {receiver}.load({fetch}); match ({f})(current) {{ Some(new) => {receiver}.compare_exchange(current, new, {set}, {fetch}), None => Err(current) }} }}"
                    ),
                    "fetch_update → one compare_exchange".into(),
                );
            }
            "spawn" | "execute" if args.len() == 1 && is_plain_closure(args[0]) => {
                let receiver = self.text_of(call.receiver.span()).to_string();
                let closure = self.text_of(args[0].span()).to_string();
                let replacement = if method == "execute" {
                    format!("({closure})()")
                } else {
                    format!("{{ let done = ({closure})(); {receiver}.spawn(move || done) }}")
                };
                self.push(
                    "run-inline",
                    call.span(),
                    replacement,
                    format!("{method}(f): f runs on the calling thread"),
                );
            }
            m if RMW.contains(&m) && args.len() == 2 => {
                self.weaken(OrderingUse::ReadModifyWrite, args[1]);
                if (m == "fetch_add" || m == "fetch_sub") && Self::ordering(args[1]).is_some() {
                    self.split_rmw(call, m, args[0], args[1]);
                }
            }
            "notify_all" if args.is_empty() => {
                self.push(
                    "notify-one",
                    call.method.span(),
                    "notify_one".into(),
                    "notify_all → notify_one".into(),
                );
            }
            "wait_while" if args.len() == 2 => {
                let receiver = self.text_of(call.receiver.span()).to_string();
                let guard = self.text_of(args[0].span()).to_string();
                self.push(
                    "wait-once",
                    call.span(),
                    format!("{receiver}.wait({guard})"),
                    "wait_while → one wait".into(),
                );
            }
            "wait_timeout_while" if args.len() == 3 => {
                let receiver = self.text_of(call.receiver.span()).to_string();
                let guard = self.text_of(args[0].span()).to_string();
                let limit = self.text_of(args[1].span()).to_string();
                self.push(
                    "wait-once",
                    call.span(),
                    format!("{receiver}.wait_timeout({guard}, {limit})"),
                    "wait_timeout_while → one wait_timeout".into(),
                );
            }
            "install" if args.len() == 1 && matches!(args[0], Expr::Closure(_)) => {
                let closure = self.text_of(args[0].span()).to_string();
                self.push(
                    "sequential",
                    call.span(),
                    format!("({closure})()"),
                    "pool.install(f) → f() on the calling thread".into(),
                );
            }
            "par_bridge" if args.is_empty() => {
                let receiver = self.text_of(call.receiver.span()).to_string();
                self.push(
                    "sequential",
                    call.span(),
                    receiver,
                    "par_bridge() removed".into(),
                );
            }
            m => {
                if let Some((_, seq)) = PARALLEL.iter().find(|(par, _)| *par == m) {
                    self.push(
                        "sequential",
                        call.method.span(),
                        (*seq).to_string(),
                        format!("{m} → {seq}"),
                    );
                }
            }
        }
    }

    /// `x.fetch_add(v, o)` → a load, then a store: two steps where one was indivisible.
    fn split_rmw(&mut self, call: &ExprMethodCall, method: &str, value: &Expr, ordering: &Expr) {
        let receiver = self.text_of(call.receiver.span()).to_string();
        let value = self.text_of(value.span()).to_string();
        let ord = self.text_of(ordering.span()).to_string();
        let Some((_, name)) = Self::ordering(ordering) else {
            return;
        };
        let (load, store) = match name.as_str() {
            "SeqCst" => ("SeqCst", "SeqCst"),
            "AcqRel" => ("Acquire", "Release"),
            "Acquire" => ("Acquire", "Relaxed"),
            "Release" => ("Relaxed", "Release"),
            _ => ("Relaxed", "Relaxed"),
        };
        let prefix = ord.strip_suffix(name.as_str()).unwrap_or("");
        let op = if method == "fetch_add" {
            "wrapping_add"
        } else {
            "wrapping_sub"
        };
        self.push(
            "split-read-modify-write",
            call.span(),
            format!(
                "{{ let old = {receiver}.load({prefix}{load}); {receiver}.store(old.{op}({value}), {prefix}{store}); old }}"
            ),
            format!("{method} → load + store"),
        );
    }

    fn call(&mut self, call: &ExprCall) {
        self.spawn_call(call);
        let Expr::Path(path) = &*call.func else {
            return;
        };
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let last = segments.last().map(String::as_str).unwrap_or_default();
        let args: Vec<&Expr> = call.args.iter().collect();
        match last {
            "fence" | "compiler_fence" if args.len() == 1 => {
                self.weaken(OrderingUse::Fence, args[0]);
            }
            "join"
                if args.len() == 2
                    && (segments.iter().any(|s| s == "rayon") || self.uses_rayon_join)
                    && args.iter().all(|a| matches!(a, Expr::Closure(_))) =>
            {
                let a = self.text_of(args[0].span()).to_string();
                let b = self.text_of(args[1].span()).to_string();
                self.push(
                    "sequential",
                    call.span(),
                    format!("(({a})(), ({b})())"),
                    "rayon::join(a, b) → (a(), b())".into(),
                );
            }
            // The capacity is replaced, not the call: `unbounded()` would need an import the
            // file may not have, and `bounded::<T>(n)` keeps its type argument.
            "bounded" if args.len() == 1 && !segments.iter().any(|s| s == "broadcast") => {
                self.push(
                    "unbounded-channel",
                    args[0].span(),
                    "1 << 20".into(),
                    "bounded(n) → bounded(1 << 20)".into(),
                );
            }
            "sync_channel" | "channel"
                if args.len() == 1
                    && !segments
                        .iter()
                        .any(|s| s == "broadcast" || s == "oneshot" || s == "watch") =>
            {
                self.push(
                    "unbounded-channel",
                    args[0].span(),
                    "1 << 20".into(),
                    format!("{last}(n) → {last}(1 << 20)"),
                );
            }
            _ => {}
        }
    }

    /// `thread::spawn(f)` → `f` runs first, on the calling thread, and a thread only hands back
    /// its result: the work is no longer concurrent.
    fn spawn_call(&mut self, call: &ExprCall) {
        let Expr::Path(path) = &*call.func else {
            return;
        };
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let is_thread_spawn = segments.len() >= 2
            && segments[segments.len() - 2] == "thread"
            && segments[segments.len() - 1] == "spawn";
        if is_thread_spawn && call.args.len() == 1 && is_plain_closure(&call.args[0]) {
            let func = self.text_of(path.span()).to_string();
            let closure = self.text_of(call.args[0].span()).to_string();
            self.push(
                "run-inline",
                call.span(),
                format!("{{ let done = ({closure})(); {func}(move || done) }}"),
                "thread::spawn(f): f runs on the calling thread".into(),
            );
        }
    }

    /// Mutations of a block's statements: a notify or a `drop(guard)` removed, a `drop` moved
    /// past the next statement.
    fn statements(&mut self, block: &Block) {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let Stmt::Expr(expr, Some(_)) = stmt else {
                continue;
            };
            match expr {
                Expr::MethodCall(m)
                    if (m.method == "notify_one" || m.method == "notify_all")
                        && m.args.is_empty() =>
                {
                    let change = format!("{}() removed", m.method);
                    self.push("drop-notify", stmt.span(), String::new(), change);
                }
                Expr::Call(c)
                    if c.args.len() == 1
                        && matches!(&*c.func, Expr::Path(p) if p.path.is_ident("drop"))
                        && matches!(c.args.first(), Some(Expr::Path(_))) =>
                {
                    let what = c.args.first().map(|a| a.to_token_stream().to_string());
                    let what = what.unwrap_or_default();
                    // Dropping a guard matters when something that can wait or take long comes
                    // after it. A notify or another drop after it changes nothing a test can
                    // see (notifying under the lock is correct too), and a drop with nothing
                    // after it happens at the end of the block anyway.
                    let harmless = |s: &Stmt| match s {
                        Stmt::Expr(Expr::MethodCall(m), _) => {
                            m.method == "notify_one" || m.method == "notify_all"
                        }
                        Stmt::Expr(Expr::Call(c), _) => {
                            matches!(&*c.func, Expr::Path(p) if p.path.is_ident("drop"))
                        }
                        _ => false,
                    };
                    let rest = &block.stmts[i + 1..];
                    if rest.iter().any(|s| !harmless(s)) {
                        self.push(
                            "drop-guard",
                            stmt.span(),
                            String::new(),
                            format!("drop({what}) removed"),
                        );
                    }
                    if let Some(next) = block.stmts.get(i + 1)
                        && !matches!(next, Stmt::Expr(_, None))
                        && !harmless(next)
                    {
                        let this = self.range(stmt.span());
                        let next_range = self.range(next.span());
                        let between = self.text[this.end..next_range.start].to_string();
                        let replacement = format!(
                            "{}{between}{}",
                            &self.text[next_range.clone()],
                            &self.text[this.clone()]
                        );
                        self.push_range(
                            "drop-guard",
                            this.start..next_range.end,
                            replacement,
                            format!("drop({what}) moved past the next statement"),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    fn contains_method(expr_tokens: &str, names: &[&str]) -> bool {
        names
            .iter()
            .any(|n| expr_tokens.contains(&format!(". {n} (")))
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        if let Item::Impl(imp) = item {
            let saved = std::mem::replace(
                &mut self.impl_ty,
                imp.self_ty.to_token_stream().to_string().replace(' ', ""),
            );
            visit::visit_item(self, item);
            self.impl_ty = saved;
        } else {
            visit::visit_item(self, item);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast ItemFn) {
        let saved = std::mem::replace(&mut self.function, f.sig.ident.to_string());
        visit::visit_item_fn(self, f);
        self.function = saved;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast ImplItemFn) {
        let name = format!("{}::{}", self.impl_ty, f.sig.ident);
        let saved = std::mem::replace(&mut self.function, name);
        visit::visit_impl_item_fn(self, f);
        self.function = saved;
    }

    fn visit_block(&mut self, block: &'ast Block) {
        self.statements(block);
        visit::visit_block(self, block);
    }

    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        self.method_call(call);
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        self.call(call);
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        let body = w.body.to_token_stream().to_string();
        let cond = w.cond.to_token_stream().to_string();
        if Self::contains_method(&cond, &["compare_exchange", "compare_exchange_weak"]) {
            self.push(
                "cas-once",
                w.while_token.span,
                "if".into(),
                "a CAS retried in a while → tried once (if)".into(),
            );
        }
        if Self::contains_method(&body, &["wait", "wait_timeout"]) {
            self.push(
                "wait-if-not-while",
                w.while_token.span,
                "if".into(),
                "while → if around a wait".into(),
            );
        }
        if Self::contains_method(&body, &["compare_exchange", "compare_exchange_weak"]) {
            self.once(&w.body);
        }
        visit::visit_expr_while(self, w);
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        let body = l.body.to_token_stream().to_string();
        if Self::contains_method(&body, &["compare_exchange", "compare_exchange_weak"]) {
            self.once(&l.body);
        }
        visit::visit_expr_loop(self, l);
    }

    fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
        if let Expr::Call(call) = &*a.base
            && let Expr::Path(path) = &*call.func
            && let Some(last) = path.path.segments.last()
            && call.args.len() == 1
        {
            let arg = self.text_of(call.args[0].span()).to_string();
            if last.ident == "sleep" {
                self.push(
                    "blocking-sleep",
                    a.span(),
                    format!("std::thread::sleep({arg})"),
                    "tokio::time::sleep(..).await → std::thread::sleep(..)".into(),
                );
            } else if last.ident == "spawn_blocking" {
                self.push(
                    "inline-blocking",
                    a.span(),
                    format!("Ok::<_, tokio::task::JoinError>(({arg})())"),
                    "spawn_blocking(f).await → f() on the runtime's thread".into(),
                );
            }
        }
        visit::visit_expr_await(self, a);
    }
}

impl Finder<'_> {
    /// A CAS loop made to try once: `break;` at the end of its body.
    fn once(&mut self, body: &Block) {
        let close = body.brace_token.span.close();
        let at = self.src.offset(close.start());
        self.push_range(
            "cas-once",
            at..at,
            "break;".into(),
            "a CAS loop tries once".into(),
        );
    }
}

/// A closure with no parameters (`|| …`, `move || …`).
fn is_plain_closure(expr: &Expr) -> bool {
    matches!(expr, Expr::Closure(c) if c.inputs.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(text: &str) -> Vec<(String, String)> {
        sites(text)
            .unwrap()
            .into_iter()
            .map(|s| (s.operator.to_string(), s.change))
            .collect()
    }

    #[test]
    fn finds_the_concurrency_mistakes() {
        let text = r#"
impl Lock {
    fn lock(&self) {
        while self.flag.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {}
        let n = self.count.fetch_add(1, Ordering::AcqRel);
        self.flag.store(false, Ordering::Release);
        let mut g = self.m.lock().unwrap();
        while !*g { g = self.cv.wait(g).unwrap(); }
        drop(g);
        work();
        self.cv.notify_all();
        let v: u64 = items.par_iter().sum();
        rayon::join(|| a(), || b());
    }
}
"#;
        let found = changes(text);
        let has = |op: &str, change: &str| found.iter().any(|(o, c)| o == op && c == change);
        assert!(has("weaken-ordering", "Acquire → Relaxed"), "{found:?}");
        assert!(has("weaken-ordering", "Release → Relaxed"));
        assert!(has("weaken-ordering", "AcqRel → Acquire"));
        assert!(has("split-read-modify-write", "fetch_add → load + store"));
        assert!(has(
            "cas-once",
            "a CAS retried in a while → tried once (if)"
        ));
        assert!(has("wait-if-not-while", "while → if around a wait"));
        assert!(has("drop-guard", "drop(g) removed"));
        assert!(has("drop-guard", "drop(g) moved past the next statement"));
        assert!(has("notify-one", "notify_all → notify_one"));
        assert!(has("drop-notify", "notify_all() removed"));
        assert!(has("sequential", "par_iter → iter"));
        assert!(has("sequential", "rayon::join(a, b) → (a(), b())"));
    }

    #[test]
    fn a_drop_with_nothing_that_waits_after_it_is_left_alone() {
        let text = "fn f(&self) { let g = self.m.lock().unwrap(); drop(g); self.cv.notify_one(); }";
        assert!(
            changes(text).iter().all(|(o, _)| o != "drop-guard"),
            "{:?}",
            changes(text)
        );
    }

    #[test]
    fn a_bounded_channel_loses_its_bound_whatever_the_call_looks_like() {
        // The call keeps its path and type arguments (`unbounded()` may not be imported, and a
        // turbofish has to stay where it is): only the capacity changes.
        let text = "fn f() { let (a, b) = bounded(capacity); let (c, d) = crossbeam_channel::bounded::<u32>(4); }";
        let sites = sites(text).expect("parses");
        let replaced: Vec<(&str, &str)> = sites
            .iter()
            .filter(|s| s.operator == "unbounded-channel")
            .map(|s| (&text[s.range.clone()], s.replacement.as_str()))
            .collect();
        assert_eq!(replaced, [("capacity", "1 << 20"), ("4", "1 << 20")]);
    }

    #[test]
    fn async_mistakes() {
        let text = r#"
async fn f() {
    tokio::time::sleep(Duration::from_millis(5)).await;
    let x = tokio::task::spawn_blocking(move || work()).await;
}
"#;
        let found = changes(text);
        assert!(
            found.iter().any(|(o, _)| o == "blocking-sleep"),
            "{found:?}"
        );
        assert!(
            found.iter().any(|(o, _)| o == "inline-blocking"),
            "{found:?}"
        );
    }
}

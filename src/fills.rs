//! Solutions that hold only what the student writes.
//!
//! A lab's given code lives once, in its starter (`labs/NN-topic/src/`). The solution file of the
//! same name under `solutions/NN-topic/src/` holds only the code that fills the starter's gaps,
//! and [`merge`] puts the two together:
//!
//! - a **gap** is a function of the starter (free, or in an `impl` block) whose body contains
//!   `todo!`. Every gap must be filled, and nothing else of the starter can be replaced;
//! - a function of the solution file with the same path (its name, inside an `impl` block whose
//!   self type and trait are written as in the starter) fills that gap: its signature and body
//!   replace the starter's, which keeps its doc comment and attributes. The signature must be the
//!   starter's (a parameter may gain `mut`). Comments for reviewers go inside the body;
//! - `use` declarations are added after the starter's last `use`;
//! - any other item is new code of the student's (a helper function, a type, a trait impl) and is
//!   added: a function inside an `impl` block the starter has goes at the end of that block,
//!   everything else at the end of the file. Redefining an item of the starter is an error;
//! - the starter's inner `#![allow(…)]` attributes (there only so that the gaps compile
//!   warning-free) are removed, with the comment above them.
//!
//! [`extract`] goes the other way: from a whole solution file to what the student wrote. It converts
//! solutions written as whole files, and lets a maintainer edit a solution as a whole file
//! (`cargo lab solution`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{LineColumn, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, Item, Pat, Signature, Visibility};

/// Merges the solution file `fills` into the starter file `starter`. Errors say, one per line,
/// where the two disagree.
pub fn merge(starter: &str, fills: &str) -> Result<String, String> {
    merge_mapped(starter, fills).map(|merged| merged.text)
}

/// A merged file, and where each stretch of it that came from the solution file starts there.
pub struct Merged {
    pub text: String,
    /// Stretches of `text` copied from the solution file: (their range in `text`, where they
    /// start in the solution file).
    pub from_fills: Vec<(std::ops::Range<usize>, usize)>,
}

impl Merged {
    /// The offset in the solution file of `range` of the merged text, if all of it came from
    /// the solution file.
    pub fn fills_range(&self, range: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
        self.from_fills.iter().find_map(|(merged, start)| {
            (merged.start <= range.start && range.end <= merged.end)
                .then(|| start + (range.start - merged.start)..start + (range.end - merged.start))
        })
    }
}

/// Text made of the solution file's own stretches and of text the merge adds.
#[derive(Debug, Clone)]
enum Piece {
    Own(String),
    Fill(std::ops::Range<usize>),
}

fn own(text: impl Into<String>) -> Piece {
    Piece::Own(text.into())
}

/// [`merge`], with the map from the merged text back to the solution file.
pub fn merge_mapped(starter: &str, fills: &str) -> Result<Merged, String> {
    let starter_file = parse(starter, "the starter")?;
    let fills_file = parse(fills, "the solution")?;
    let s = Source::new(starter);
    let f = Source::new(fills);
    let gaps = Gaps::find(&starter_file, &s)?;
    let given = given_items(&starter_file);
    let starter_uses = starter_use_leaves(&starter_file);

    let mut edits: Vec<Edit> = Vec::new();
    let mut errors = Vec::new();
    let mut filled = BTreeSet::new();
    let mut uses: Vec<Piece> = Vec::new();
    let mut appended: Vec<Piece> = Vec::new();

    for item in &fills_file.items {
        match item {
            Item::Use(u) => {
                for leaf in use_leaves(&u.tree) {
                    if starter_uses.contains(&leaf) {
                        errors.push(format!(
                            "`use {leaf};` is in the starter already: a solution adds only the imports the starter lacks"
                        ));
                    }
                }
                uses.push(Piece::Fill(f.item_range(item, &item_attrs(item))));
                uses.push(own("\n"));
            }
            Item::Fn(func) => {
                let key = format!("fn {}", func.sig.ident);
                match gaps.by_key.get(&key) {
                    Some(gap) => {
                        if let Some(why) = fill_problem(&func.attrs, &gap.sig, &func.sig) {
                            errors.push(format!("{key}: {why}"));
                        }
                        filled.insert(key.clone());
                        edits.push(Edit {
                            range: gap.range.clone(),
                            pieces: vec![Piece::Fill(
                                f.range(fn_start(&func.vis, &func.sig), func.block.span().end()),
                            )],
                        });
                    }
                    None if given.contains(&key) => errors.push(format!(
                        "{key} is given code (the starter's body has no todo!): a solution cannot replace it"
                    )),
                    None => append_piece(&mut appended, f.item_range(item, &func.attrs)),
                }
            }
            Item::Impl(imp) => {
                let key = impl_key(imp);
                let Some(close) = gaps.impls.get(&key) else {
                    if imp.trait_.is_some() && given.contains(&key) {
                        errors.push(format!(
                            "{key} is given code in the starter: a solution cannot redefine it"
                        ));
                    } else {
                        append_piece(&mut appended, f.item_range(item, &imp.attrs));
                    }
                    continue;
                };
                let mut inserted: Vec<Piece> = Vec::new();
                for inner in &imp.items {
                    let (name, attrs) = match inner {
                        ImplItem::Fn(m) => (format!("{key}::{}", m.sig.ident), &m.attrs),
                        ImplItem::Const(c) => (format!("{key}::{}", c.ident), &c.attrs),
                        ImplItem::Type(t) => (format!("{key}::{}", t.ident), &t.attrs),
                        _ => {
                            errors.push(format!("{key}: only functions, constants and types can be added to an impl block"));
                            continue;
                        }
                    };
                    match (inner, gaps.by_key.get(&name)) {
                        (ImplItem::Fn(m), Some(gap)) => {
                            if let Some(why) = fill_problem(&m.attrs, &gap.sig, &m.sig) {
                                errors.push(format!("{name}: {why}"));
                            }
                            filled.insert(name.clone());
                            edits.push(Edit {
                                range: gap.range.clone(),
                                pieces: vec![Piece::Fill(
                                    f.range(fn_start(&m.vis, &m.sig), m.block.span().end()),
                                )],
                            });
                        }
                        _ if given.contains(&name) => errors.push(format!(
                            "{name} is given code in the starter: a solution cannot replace it"
                        )),
                        _ => {
                            inserted.push(own("\n"));
                            inserted.push(Piece::Fill(f.lines_range(inner.span(), attrs)));
                            inserted.push(own("\n"));
                        }
                    }
                }
                if !inserted.is_empty() {
                    edits.push(Edit {
                        range: *close..*close,
                        pieces: inserted,
                    });
                }
            }
            other => {
                let key = item_key(other);
                if key.as_ref().is_some_and(|k| given.contains(k)) {
                    errors.push(format!(
                        "{} is given code in the starter: a solution cannot redefine it",
                        key.unwrap_or_default()
                    ));
                } else {
                    append_piece(&mut appended, f.item_range(other, &item_attrs(other)));
                }
            }
        }
    }
    for key in gaps.by_key.keys() {
        if !filled.contains(key) {
            errors.push(format!(
                "{key} is a gap of the starter (it calls todo!) that the solution does not fill"
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }

    // The starter's `#![allow(…)]`, with the comment that explains it, goes.
    for attr in starter_file
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("allow"))
    {
        let start = s.line_start(s.offset(attr.span().start()));
        let mut from = start;
        while let Some(prev) = s.previous_line(from) {
            let line = s.text[prev..from].trim();
            if line.starts_with("//") && !line.starts_with("///") && !line.starts_with("//!") {
                from = prev;
            } else {
                break;
            }
        }
        let mut to = s.next_line(s.offset(attr.span().end()));
        if s.text[to..].starts_with('\n') {
            to += 1;
        }
        edits.push(Edit {
            range: from..to,
            pieces: Vec::new(),
        });
    }
    let mut inner: Vec<Piece> = Vec::new();
    for a in &fills_file.attrs {
        inner.push(Piece::Fill(f.range(a.span().start(), a.span().end())));
        inner.push(own("\n"));
    }
    if !uses.is_empty() || !inner.is_empty() {
        let at = starter_file
            .items
            .iter()
            .filter(|i| matches!(i, Item::Use(_)))
            .map(|i| s.next_line(s.offset(i.span().end())))
            .max();
        // The solution's imports go in a group of their own, so that rustfmt's ordering of the
        // starter's group is not disturbed.
        let both = |before: &str, after: &str| -> Vec<Piece> {
            let mut pieces = vec![own(before)];
            pieces.extend(inner.iter().cloned());
            pieces.extend(uses.iter().cloned());
            pieces.push(own(after));
            pieces
        };
        let (at, pieces) = match at {
            Some(at) if inner.is_empty() => (at, both("\n", "")),
            Some(at) => (at, both("", "")),
            None => {
                let after_inner = starter_file
                    .attrs
                    .iter()
                    .map(|a| s.next_line(s.offset(a.span().end())))
                    .max()
                    .unwrap_or(0);
                if after_inner == 0 {
                    (0, both("", "\n"))
                } else {
                    (after_inner, both("\n", ""))
                }
            }
        };
        edits.push(Edit {
            range: at..at,
            pieces,
        });
    }
    let mut pieces = apply_edits(starter, edits)?;
    if !appended.is_empty() {
        // A blank line first, so that a comment ending the starter stays the starter's.
        let ends = match edits_end_newlines(&pieces, fills) {
            0 => "\n\n",
            1 => "\n",
            _ => "",
        };
        pieces.push(own(ends));
        pieces.extend(appended);
    }
    let mut merged = Merged {
        text: String::with_capacity(starter.len() * 2),
        from_fills: Vec::new(),
    };
    for piece in pieces {
        match piece {
            Piece::Own(text) => merged.text.push_str(&text),
            Piece::Fill(range) => {
                let start = merged.text.len();
                merged.text.push_str(&fills[range.clone()]);
                merged
                    .from_fills
                    .push((start..merged.text.len(), range.start));
            }
        }
    }
    Ok(merged)
}

/// How many newlines end the text the pieces make (0, 1 or 2 or more).
fn edits_end_newlines(pieces: &[Piece], fills: &str) -> usize {
    let mut text = String::new();
    for piece in pieces.iter().rev() {
        let part = match piece {
            Piece::Own(t) => t.as_str(),
            Piece::Fill(r) => &fills[r.clone()],
        };
        text.insert_str(0, part);
        if text.len() >= 2 {
            break;
        }
    }
    text.chars()
        .rev()
        .take(2)
        .take_while(|c| *c == '\n')
        .count()
}

/// What the student wrote, from a whole solution file `full` and the starter it was written in:
/// the filled gaps, the `use` declarations and the items the starter does not have. The second
/// value lists given code that `full` changed (which the merged solution will not have).
pub fn extract(starter: &str, full: &str) -> Result<(String, Vec<String>), String> {
    let starter_file = parse(starter, "the starter")?;
    let full_file = parse(full, "the whole solution")?;
    let s = Source::new(starter);
    let f = Source::new(full);
    let gaps = Gaps::find(&starter_file, &s)?;
    let given = given_tokens(&starter_file);
    let starter_uses = starter_use_leaves(&starter_file);

    let mut uses = String::new();
    let mut body = String::new();
    let mut changed = Vec::new();
    for item in &full_file.items {
        match item {
            Item::Use(u) => {
                let vis = match &u.vis {
                    Visibility::Inherited => String::new(),
                    vis => format!("{} ", vis.to_token_stream()),
                };
                for leaf in use_leaves(&u.tree) {
                    if !starter_uses.contains(&leaf) {
                        uses.push_str(&format!("{vis}use {leaf};\n"));
                    }
                }
            }
            Item::Fn(func) => {
                let key = format!("fn {}", func.sig.ident);
                if gaps.by_key.contains_key(&key) {
                    append(
                        &mut body,
                        &f.slice(fn_start(&func.vis, &func.sig), func.block.span().end()),
                    );
                } else if let Some(was) = given.get(&key) {
                    if *was != tokens(item) {
                        changed.push(key);
                    }
                } else {
                    append(&mut body, &f.item_text(item, &func.attrs));
                }
            }
            Item::Impl(imp) => {
                let key = impl_key(imp);
                if !gaps.impls.contains_key(&key) {
                    if given.get(&key).is_none_or(|was| *was != tokens(item)) {
                        append(&mut body, &f.item_text(item, &imp.attrs));
                    }
                    continue;
                }
                let mut inner = String::new();
                for member in &imp.items {
                    let name = match member {
                        ImplItem::Fn(m) => format!("{key}::{}", m.sig.ident),
                        ImplItem::Const(c) => format!("{key}::{}", c.ident),
                        ImplItem::Type(t) => format!("{key}::{}", t.ident),
                        _ => continue,
                    };
                    match member {
                        ImplItem::Fn(m) if gaps.by_key.contains_key(&name) => {
                            let text = f.slice(fn_start(&m.vis, &m.sig), m.block.span().end());
                            inner.push_str(&format!("\n    {text}\n"));
                        }
                        _ => match given.get(&name) {
                            Some(was) if *was != member.to_token_stream().to_string() => {
                                changed.push(name)
                            }
                            Some(_) => {}
                            None => {
                                let attrs = match member {
                                    ImplItem::Fn(m) => &m.attrs,
                                    ImplItem::Const(c) => &c.attrs,
                                    ImplItem::Type(t) => &t.attrs,
                                    _ => unreachable!(),
                                };
                                inner.push('\n');
                                inner.push_str(&f.lines_of(member.span(), attrs));
                                inner.push('\n');
                            }
                        },
                    }
                }
                if !inner.is_empty() {
                    let header = f.slice(
                        outer_start(imp.impl_token.span, &[]),
                        imp.brace_token.span.open().end(),
                    );
                    append(&mut body, &format!("{header}{inner}}}"));
                }
            }
            other => match item_key(other) {
                Some(key) if given.contains_key(&key) => {
                    if given[&key] != tokens(other) {
                        changed.push(key);
                    }
                }
                _ => append(&mut body, &f.item_text(other, &item_attrs(other))),
            },
        }
    }
    let mut out = uses;
    if !out.is_empty() && !body.is_empty() {
        out.push('\n');
    }
    out.push_str(&body);
    Ok((out, changed))
}

/// The gaps of a starter file: functions whose body calls `todo!`.
struct Gaps {
    by_key: BTreeMap<String, Gap>,
    /// Every `impl` block that holds a gap, with the offset of its closing brace's line.
    impls: BTreeMap<String, usize>,
}

struct Gap {
    /// From the function's visibility (or `fn`) to the end of its body.
    range: std::ops::Range<usize>,
    sig: Signature,
}

impl Gaps {
    fn find(file: &syn::File, s: &Source) -> Result<Gaps, String> {
        let mut gaps = Gaps {
            by_key: BTreeMap::new(),
            impls: BTreeMap::new(),
        };
        let mut todos_in_gaps = 0;
        for item in &file.items {
            match item {
                Item::Fn(func) => {
                    let n = count_todos(func.block.to_token_stream());
                    if n > 0 {
                        todos_in_gaps += n;
                        gaps.by_key.insert(
                            format!("fn {}", func.sig.ident),
                            Gap {
                                range: s.offset(fn_start(&func.vis, &func.sig))
                                    ..s.offset(func.block.span().end()),
                                sig: func.sig.clone(),
                            },
                        );
                    }
                }
                Item::Impl(imp) => {
                    let key = impl_key(imp);
                    for inner in &imp.items {
                        if let ImplItem::Fn(m) = inner {
                            let n = count_todos(m.block.to_token_stream());
                            if n > 0 {
                                todos_in_gaps += n;
                                gaps.by_key.insert(
                                    format!("{key}::{}", m.sig.ident),
                                    Gap {
                                        range: s.offset(fn_start(&m.vis, &m.sig))
                                            ..s.offset(m.block.span().end()),
                                        sig: m.sig.clone(),
                                    },
                                );
                                let close =
                                    s.line_start(s.offset(imp.brace_token.span.close().start()));
                                gaps.impls.entry(key.clone()).or_insert(close);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let all = count_todos(file.to_token_stream());
        if all != todos_in_gaps {
            return Err(format!(
                "the starter calls todo! outside a function body ({} of {all} calls are not in a free function or a method): such a gap cannot be filled",
                all - todos_in_gaps
            ));
        }
        Ok(gaps)
    }
}

/// Names of the starter's items (and of the members of its `impl` blocks): what a solution may
/// not redefine.
fn given_items(file: &syn::File) -> BTreeSet<String> {
    given_tokens(file).into_keys().collect()
}

/// The starter's named items and `impl` members, with their tokens.
fn given_tokens(file: &syn::File) -> BTreeMap<String, String> {
    let mut given = BTreeMap::new();
    for item in &file.items {
        if let Item::Impl(imp) = item {
            let key = impl_key(imp);
            given.insert(key.clone(), tokens(item));
            for inner in &imp.items {
                let name = match inner {
                    ImplItem::Fn(m) => m.sig.ident.to_string(),
                    ImplItem::Const(c) => c.ident.to_string(),
                    ImplItem::Type(t) => t.ident.to_string(),
                    _ => continue,
                };
                given.insert(
                    format!("{key}::{name}"),
                    inner.to_token_stream().to_string(),
                );
            }
        } else if let Some(key) = item_key(item) {
            given.insert(key, tokens(item));
        }
    }
    given
}

/// Every path a `use` tree imports, one per leaf: `a::b::C`, `a::b::C as D`, `a::*`.
fn use_leaves(tree: &syn::UseTree) -> Vec<String> {
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree)
            .into_iter()
            .map(|rest| format!("{}::{rest}", p.ident))
            .collect(),
        syn::UseTree::Name(n) => vec![n.ident.to_string()],
        syn::UseTree::Rename(r) => vec![format!("{} as {}", r.ident, r.rename)],
        syn::UseTree::Glob(_) => vec!["*".into()],
        syn::UseTree::Group(g) => g.items.iter().flat_map(use_leaves).collect(),
    }
}

fn starter_use_leaves(file: &syn::File) -> BTreeSet<String> {
    file.items
        .iter()
        .filter_map(|i| match i {
            Item::Use(u) => Some(use_leaves(&u.tree)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// How an item is named for matching: `fn name`, `struct Name`, `impl Trait for Type`, ….
fn item_key(item: &Item) -> Option<String> {
    Some(match item {
        Item::Fn(i) => format!("fn {}", i.sig.ident),
        Item::Struct(i) => format!("struct {}", i.ident),
        Item::Enum(i) => format!("enum {}", i.ident),
        Item::Union(i) => format!("union {}", i.ident),
        Item::Const(i) => format!("const {}", i.ident),
        Item::Static(i) => format!("static {}", i.ident),
        Item::Type(i) => format!("type {}", i.ident),
        Item::Trait(i) => format!("trait {}", i.ident),
        Item::TraitAlias(i) => format!("trait {}", i.ident),
        Item::Mod(i) => format!("mod {}", i.ident),
        Item::Macro(i) => format!("macro {}", i.ident.as_ref()?),
        Item::Impl(i) => impl_key(i),
        _ => return None,
    })
}

/// `impl Type` or `impl Trait for Type`, as tokens (generics left out).
fn impl_key(imp: &syn::ItemImpl) -> String {
    let ty = imp.self_ty.to_token_stream().to_string();
    match &imp.trait_ {
        Some((bang, path, _)) => format!(
            "impl {}{} for {ty}",
            if bang.is_some() { "!" } else { "" },
            path.to_token_stream()
        ),
        None => format!("impl {ty}"),
    }
}

/// Why a solution's function cannot fill a gap, if it cannot.
fn fill_problem(attrs: &[syn::Attribute], starter: &Signature, fill: &Signature) -> Option<String> {
    if !attrs.is_empty() {
        return Some(
            "a filled function keeps the starter's doc comment and attributes: write none in the solution (comments go inside the body)".into(),
        );
    }
    if signature(starter) != signature(fill) {
        return Some(format!(
            "the signature differs from the starter's\n  starter:  {}\n  solution: {}",
            signature(starter),
            signature(fill)
        ));
    }
    None
}

/// A signature as tokens, with `mut` on parameter bindings left out (it is not part of the type).
fn signature(sig: &Signature) -> String {
    let mut sig = sig.clone();
    // rustfmt adds a trailing comma when it breaks a list over lines.
    sig.inputs.pop_punct();
    sig.generics.params.pop_punct();
    if let Some(clause) = &mut sig.generics.where_clause {
        clause.predicates.pop_punct();
    }
    for input in &mut sig.inputs {
        if let FnArg::Typed(arg) = input
            && let Pat::Ident(ident) = &mut *arg.pat
        {
            ident.mutability = None;
        }
    }
    sig.to_token_stream().to_string()
}

fn count_todos(tokens: TokenStream) -> usize {
    let mut count = 0;
    let mut prev_todo = false;
    for tree in tokens {
        match &tree {
            TokenTree::Ident(i) => {
                prev_todo = i == "todo";
                continue;
            }
            TokenTree::Punct(p) if p.as_char() == '!' && prev_todo => count += 1,
            TokenTree::Group(g) => count += count_todos(g.stream()),
            _ => {}
        }
        prev_todo = false;
    }
    count
}

fn item_attrs(item: &Item) -> Vec<syn::Attribute> {
    match item {
        Item::Const(i) => i.attrs.clone(),
        Item::Enum(i) => i.attrs.clone(),
        Item::Fn(i) => i.attrs.clone(),
        Item::Impl(i) => i.attrs.clone(),
        Item::Macro(i) => i.attrs.clone(),
        Item::Mod(i) => i.attrs.clone(),
        Item::Static(i) => i.attrs.clone(),
        Item::Struct(i) => i.attrs.clone(),
        Item::Trait(i) => i.attrs.clone(),
        Item::TraitAlias(i) => i.attrs.clone(),
        Item::Type(i) => i.attrs.clone(),
        Item::Union(i) => i.attrs.clone(),
        Item::Use(i) => i.attrs.clone(),
        _ => Vec::new(),
    }
}

fn tokens(item: &Item) -> String {
    item.to_token_stream().to_string()
}

/// Where a function starts once its attributes are left out: its visibility, or its signature.
fn fn_start(vis: &Visibility, sig: &Signature) -> LineColumn {
    match vis {
        Visibility::Inherited => sig.span().start(),
        vis => vis.span().start(),
    }
}

fn outer_start(span: proc_macro2::Span, attrs: &[syn::Attribute]) -> LineColumn {
    attrs
        .first()
        .map(|a| a.span().start())
        .unwrap_or_else(|| span.start())
}

fn append(out: &mut String, text: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(text);
    out.push('\n');
}

fn append_piece(out: &mut Vec<Piece>, range: std::ops::Range<usize>) {
    if !out.is_empty() {
        out.push(own("\n"));
    }
    out.push(Piece::Fill(range));
    out.push(own("\n"));
}

fn parse(text: &str, what: &str) -> Result<syn::File, String> {
    syn::parse_file(text).map_err(|e| {
        let at = e.span().start();
        format!("{what} does not parse (line {}): {e}", at.line)
    })
}

/// A replacement of `range` in the starter by `pieces`.
struct Edit {
    range: std::ops::Range<usize>,
    pieces: Vec<Piece>,
}

fn apply_edits(text: &str, mut edits: Vec<Edit>) -> Result<Vec<Piece>, String> {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = Vec::new();
    let mut at = 0;
    for edit in edits {
        if edit.range.start < at {
            return Err("two changes to the starter overlap".into());
        }
        out.push(own(&text[at..edit.range.start]));
        out.extend(edit.pieces);
        at = edit.range.end;
    }
    out.push(own(&text[at..]));
    Ok(out)
}

/// A source text with its line starts, to turn syn's line/column positions into byte offsets.
pub(crate) struct Source<'a> {
    text: &'a str,
    lines: Vec<usize>,
}

impl<'a> Source<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut lines = vec![0];
        lines.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { text, lines }
    }

    /// The byte offset of a position (line from 1, column in characters from 0).
    pub(crate) fn offset(&self, at: LineColumn) -> usize {
        let start = self.lines[at.line.saturating_sub(1).min(self.lines.len() - 1)];
        let line = &self.text[start..];
        start
            + line
                .char_indices()
                .nth(at.column)
                .map_or(line.len(), |(i, _)| i)
    }

    fn slice(&self, from: LineColumn, to: LineColumn) -> String {
        self.text[self.range(from, to)].to_string()
    }

    fn range(&self, from: LineColumn, to: LineColumn) -> std::ops::Range<usize> {
        self.offset(from)..self.offset(to)
    }

    fn line_start(&self, offset: usize) -> usize {
        self.text[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The offset just past the end of the line holding `offset`.
    fn next_line(&self, offset: usize) -> usize {
        self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i + 1)
    }

    fn previous_line(&self, line_start: usize) -> Option<usize> {
        (line_start > 0).then(|| self.line_start(line_start - 1))
    }

    /// The whole lines of an item: its attributes and the `//` comment lines right above them,
    /// through the end of the item.
    fn lines_of(&self, span: proc_macro2::Span, attrs: &[syn::Attribute]) -> String {
        self.text[self.lines_range(span, attrs)].to_string()
    }

    /// The range of [`Source::lines_of`].
    fn lines_range(
        &self,
        span: proc_macro2::Span,
        attrs: &[syn::Attribute],
    ) -> std::ops::Range<usize> {
        let start = self.line_start(self.offset(outer_start(span, attrs)));
        let mut from = start;
        while let Some(prev) = self.previous_line(from) {
            let line = self.text[prev..from].trim();
            if line.starts_with("//") && !line.starts_with("///") && !line.starts_with("//!") {
                from = prev;
            } else {
                break;
            }
        }
        from..self.offset(span.end())
    }

    fn item_text(&self, item: &Item, attrs: &[syn::Attribute]) -> String {
        self.lines_of(item.span(), attrs)
    }

    fn item_range(&self, item: &Item, attrs: &[syn::Attribute]) -> std::ops::Range<usize> {
        self.lines_range(item.span(), attrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STARTER: &str = r#"//! A lab.

// The gaps leave arguments unused. Delete this line when done.
#![allow(unused_variables)]

use std::sync::Mutex;
// You will also need `Ordering`.

/// Adds.
pub fn add(a: u32, b: u32) -> u32 {
    todo!("1.1: add")
}

/// Given.
pub fn given() -> u32 {
    7
}

pub struct Counter {
    n: Mutex<u32>,
}

impl Counter {
    /// Bumps.
    pub fn bump(&self) {
        todo!("1.2: bump")
    }

    pub fn get(&self) -> u32 {
        *self.n.lock().unwrap()
    }
}
"#;

    const FILLS: &str = r#"use std::sync::atomic::Ordering;

pub fn add(mut a: u32, b: u32) -> u32 {
    a += b;
    a
}

impl Counter {
    pub fn bump(&self) {
        *self.n.lock().unwrap() += helper();
    }

    fn twice(&self) {
        self.bump();
        self.bump();
    }
}

/// A helper.
fn helper() -> u32 {
    1
}
"#;

    #[test]
    fn merge_fills_gaps_adds_items_and_drops_the_allow() {
        let merged = merge(STARTER, FILLS).unwrap();
        assert!(!merged.contains("todo!"), "{merged}");
        assert!(!merged.contains("allow(unused_variables)"), "{merged}");
        assert!(!merged.contains("Delete this line"), "{merged}");
        assert!(merged.contains("use std::sync::Mutex;\n\nuse std::sync::atomic::Ordering;\n"));
        assert!(merged.contains("/// Adds.\npub fn add(mut a: u32, b: u32) -> u32 {\n    a += b;"));
        assert!(
            merged.contains("    /// Bumps.\n    pub fn bump(&self) {\n        *self.n.lock()")
        );
        assert!(merged.contains("\n    fn twice(&self) {\n        self.bump();"));
        assert!(
            merged.ends_with("/// A helper.\nfn helper() -> u32 {\n    1\n}\n"),
            "{merged}"
        );
        syn::parse_file(&merged).unwrap();
    }

    #[test]
    fn the_merge_maps_back_to_the_solution_file() {
        let merged = merge_mapped(STARTER, FILLS).unwrap();
        for needle in [
            "a += b;",
            "*self.n.lock().unwrap() += helper();",
            "self.bump();",
            "fn helper() -> u32",
        ] {
            let at = merged.text.find(needle).unwrap();
            let back = merged.fills_range(at..at + needle.len()).expect(needle);
            assert_eq!(&FILLS[back], needle);
        }
        let given = merged.text.find("pub fn get").unwrap();
        assert!(merged.fills_range(given..given + 3).is_none());
    }

    #[test]
    fn extract_gives_back_what_merge_took() {
        let merged = merge(STARTER, FILLS).unwrap();
        let (fills, changed) = extract(STARTER, &merged).unwrap();
        assert!(changed.is_empty(), "{changed:?}");
        assert_eq!(merge(STARTER, &fills).unwrap(), merged);
    }

    #[test]
    fn disagreements_are_errors() {
        let cases = [
            (
                FILLS.replace(
                    "pub fn add(mut a: u32, b: u32)",
                    "pub fn add(a: u64, b: u32)",
                ),
                "signature differs",
            ),
            (
                FILLS.replace(
                    "impl Counter {\n    pub fn bump",
                    "impl Counter {\n    pub fn no_bump",
                ),
                "does not fill",
            ),
            (
                format!("{FILLS}\npub fn given() -> u32 {{ 8 }}\n"),
                "given code",
            ),
            (format!("{FILLS}\npub struct Counter;\n"), "given code"),
            (
                FILLS.replace("pub fn add", "/// Docs.\npub fn add"),
                "doc comment",
            ),
        ];
        for (fills, expected) in cases {
            let err = merge(STARTER, &fills).unwrap_err();
            assert!(err.contains(expected), "expected {expected:?} in {err}");
        }
    }
}

// What the browser test reads from a page, as a JSON string (see `Page` in tests/browser.rs).
// Evaluated as `(this function)(options)`, over and over until the page is ready: each call to
// the browser costs a round trip, so one call does all the reading. Never throws: an error comes
// back as `{"error": ...}`, a page still loading as `{"loading": true}`.
//
// options: {
//   url:   the page's URL, or null for "whatever replaced the marked document";
//   code:  include the text and classes of every code block;
//   text:  include the text of <main>;
//   hints: click every hint open, checking that a pointer at the middle of its summary reaches it.
// }
(function (options) {
  try {
    const loaded =
      document.readyState === "complete" &&
      !window.__workbookOld &&
      (options.url === null || decodeURI(location.href) === decodeURI(options.url));
    if (!loaded) return JSON.stringify({ loading: true });

    const squash = (s) => (s || "").replace(/\s+/g, " ").trim();
    const main = document.querySelector("main");
    const heading = main && main.querySelector("h1, h2, h3, h4, h5, h6");

    // Links to this site (the sidebar's, the page's, the navigation arrows'), resolved by the
    // browser as a reader's click would be.
    const links = [];
    for (const a of document.querySelectorAll("a[href]")) {
      const url = new URL(a.href, document.baseURI);
      if (url.origin !== location.origin) continue;
      links.push({
        href: a.getAttribute("href"),
        path: decodeURIComponent(url.pathname),
        fragment: url.hash ? decodeURIComponent(url.hash.slice(1)) : "",
        text: squash(a.textContent).slice(0, 60),
      });
    }

    // Every id (and old-style <a name>) a `#fragment` can land on.
    const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
    for (const a of document.querySelectorAll("a[name]")) ids.push(a.name);

    // Directives mdbook left unexpanded, in the text a reader sees. Inline `code` that names a
    // directive (`{{#include}}` in a sentence about the book's tooling) is prose, not a leftover.
    const leftovers = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue;
      const at = text.indexOf("{{#");
      if (at < 0) continue;
      const parent = node.parentElement;
      if (parent.closest("script, style, template, noscript")) continue;
      if (parent.closest("code") && !parent.closest("pre")) continue;
      leftovers.push(squash(text.slice(Math.max(0, at - 30), at + 60)));
    }

    // Hints: folded means not open, and nothing but the summary is rendered.
    const bodyShown = (details) =>
      [...details.childNodes].some((node) => {
        if (node.nodeType === Node.ELEMENT_NODE) {
          return node.tagName !== "SUMMARY" && node.checkVisibility();
        }
        if (node.nodeType === Node.TEXT_NODE && node.nodeValue.trim()) {
          const range = document.createRange();
          range.selectNodeContents(node);
          return range.getClientRects().length > 0;
        }
        return false;
      });
    const details = [...(main ? main.querySelectorAll("details") : [])].map((d) => {
      const summary = d.querySelector(":scope > summary");
      const hint = { summary: squash(summary && summary.textContent), open: d.open, shown: bodyShown(d) };
      if (options.hints && summary && !hint.open) {
        summary.scrollIntoView({ block: "center", behavior: "instant" });
        const box = summary.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        hint.reachable = !!hit && summary.contains(hit);
        summary.click();
        hint.opens = d.open && bodyShown(d);
      }
      return hint;
    });

    const code = !options.code
      ? []
      : [...document.querySelectorAll("pre > code")].map((c) => ({
          classes: c.className,
          spans: c.querySelectorAll('[class^="hljs-"], [class*=" hljs-"]').length,
          text: c.textContent,
        }));

    // Every image, and whether the browser could show it (the page has finished loading, so a
    // broken one has given up by now).
    const images = [...document.querySelectorAll("main img")].map((i) => ({
      src: i.getAttribute("src") || "",
      shown: i.complete && i.naturalWidth > 0,
    }));

    return JSON.stringify({
      path: decodeURIComponent(location.pathname),
      fragment: decodeURIComponent(location.hash.slice(1)),
      title: squash(document.title),
      heading: heading ? { tag: heading.tagName.toLowerCase(), text: squash(heading.textContent) } : null,
      text: options.text ? squash(main ? main.textContent : "") : "",
      links,
      ids,
      leftovers,
      details,
      code,
      images,
    });
  } catch (e) {
    return JSON.stringify({ error: String(e && e.stack ? e.stack : e) });
  }
})

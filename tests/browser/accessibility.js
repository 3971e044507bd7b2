// Our own accessibility checks, evaluated in the page by accessibility.py.
() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  if (!document.documentElement.lang) problems.push("html has no lang");
  if (!document.title.trim()) problems.push("page has no title");
  const h1 = document.querySelectorAll("h1");
  if (h1.length !== 1) problems.push(`page has ${h1.length} h1 headings`);
  let level = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const next = Number(h.tagName[1]);
    if (level && next > level + 1) problems.push(`heading ${h.tagName} "${h.textContent.trim()}" skips a level`);
    level = next;
  }
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!named) problems.push(`field ${el.name || el.id} has no label`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`image ${img.src} has no alt text`);
  }
  for (const svg of document.querySelectorAll("svg")) {
    const title = svg.querySelector(":scope > title");
    if (svg.getAttribute("role") !== "img" || !title || !title.textContent.trim())
      problems.push("chart without role=img and a title");
  }
  for (const el of document.querySelectorAll("a, button")) {
    if (!visible(el) && el.tagName === "A" && el.classList.contains("skip")) continue;
    const name = (el.textContent || "").trim() || el.getAttribute("aria-label") || el.getAttribute("title");
    if (!name) problems.push(`${el.tagName.toLowerCase()} without a name`);
  }
  for (const ref of document.querySelectorAll("[src], link[href]")) {
    const url = new URL(ref.getAttribute("src") || ref.getAttribute("href"), location.href);
    if (url.origin !== location.origin) problems.push(`${url} is from another origin`);
  }
  const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let at = el; at; at = at.parentElement) {
      const c = rgb(getComputedStyle(at).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll("body *:not(svg *)")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(el)) continue;
    const style = getComputedStyle(el);
    const a = luminance(rgb(style.color)), b = luminance(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: "${el.textContent.trim().slice(0, 40)}"`);
  }
  return problems;
}

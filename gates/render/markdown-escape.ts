/**
 * Escaping for every Markdown the gate writes (check/promote/sweep output, evidence .md). Reasons
 * and sources carry text such as `<root_account>`, `IAM_ROOT_ACCESS_KEY_CHECK` or user names that
 * GitHub would otherwise read as an HTML tag (dropped by its sanitizer), emphasis or a link.
 * CommonMark: any ASCII punctuation may be backslash-escaped, and entity references such as `&lt;`
 * render as the character (https://spec.commonmark.org/0.31.2/#backslash-escapes,
 * https://spec.commonmark.org/0.31.2/#entity-and-numeric-character-references).
 */

/** Text in a paragraph or list item: nothing in it is read as markup. */
export function mdText(text: string): string {
  return text
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** A table cell: as mdText, and a line break may not end the row. */
export function mdCell(text: string | number | boolean | null): string {
  if (text === null) return "—";
  return mdText(String(text)).replace(/\r?\n/g, "<br>");
}

/**
 * Inline code: shown verbatim (no escapes apply inside), fenced with more backticks than the text
 * holds. A pipe would still end a table cell, so it is left out of tables' code spans by callers.
 */
export function mdCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text.replace(/\r?\n/g, " ")}${pad}${fence}`;
}

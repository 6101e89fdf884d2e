/**
 * A small XML 1.0 well-formedness checker for the JUnit output (no XML parser is a dependency):
 * one root, properly nested tags, quoted attributes, only the five predefined entities or
 * character references, no stray `<` or `&` in text.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(body)) !== null) {
    const [, closing, name, attrs, selfClosing, text, stray] = m;
    if (stray !== undefined) {
      problems.push(`stray < at ${m.index}`);
      break;
    }
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== "") problems.push("text outside the root element");
      for (const amp of text.matchAll(/&([^;]*);?/g)) {
        if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(amp[1] ?? "") || !amp[0].endsWith(";")) problems.push(`bad entity ${amp[0]}`);
      }
      continue;
    }
    for (const amp of (attrs ?? "").matchAll(/&([^;"]*);?/g)) {
      if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(amp[1] ?? "") || !amp[0].endsWith(";")) problems.push(`bad entity in attribute ${amp[0]}`);
    }
    if (closing === "/") {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? "nothing"}>`);
    } else if (selfClosing === "/") {
      if (stack.length === 0) roots++;
    } else {
      if (stack.length === 0) roots++;
      stack.push(name ?? "");
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(", ")}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

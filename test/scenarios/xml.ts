/**
 * A strict XML 1.0 well-formedness check for the JUnit report (no DTDs, no processing
 * instructions but the declaration): one root, names, quoted unique attributes, properly
 * nested tags, only the five predefined entities and character references, only legal
 * characters. Returns the element tree so a test can read the report back; throws on the
 * first violation with its offset.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*$/;
const ILLEGAL_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, at: number): string {
  if (ILLEGAL_CHAR.test(text)) throw new Error(`illegal character near offset ${at}`);
  if (text.includes('<')) throw new Error(`"<" in text or attribute near offset ${at}`);
  return text.replace(/&([^;\s&]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`"&" that starts no entity near offset ${at}`);
    if (ref in ENTITIES) return ENTITIES[ref] as string;
    const code = /^#x([0-9a-fA-F]+)$/.exec(ref)?.[1] ?? /^#([0-9]+)$/.exec(ref)?.[1];
    if (code === undefined) throw new Error(`unknown entity &${ref}; near offset ${at}`);
    const char = String.fromCodePoint(ref.startsWith('#x') ? Number.parseInt(code, 16) : Number(code));
    if (ILLEGAL_CHAR.test(char)) throw new Error(`reference to an illegal character near offset ${at}`);
    return char;
  });
}

export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const declaration =
    /^<\?xml\s+version="1\.[0-9]"(\s+encoding="[A-Za-z][\w.-]*")?(\s+standalone="(yes|no)")?\s*\?>/.exec(xml);
  if (declaration) pos = declaration[0].length;
  else if (xml.startsWith('<?')) throw new Error('malformed XML declaration');

  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = xml.slice(pos, lt === -1 ? xml.length : lt);
    if (text.includes(']]>')) throw new Error(`"]]>" in text near offset ${pos}`);
    const parent = stack.at(-1);
    if (parent) parent.text += decode(text, pos);
    else if (text.trim() !== '') throw new Error(`text outside the root element at offset ${pos}`);
    if (lt === -1) break;
    pos = lt;
    if (xml.startsWith('<!--', pos)) {
      const end = xml.indexOf('-->', pos + 4);
      if (end === -1 || xml.slice(pos + 4, end).includes('--'))
        throw new Error(`bad comment at offset ${pos}`);
      pos = end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', pos)) {
      if (!parent) throw new Error(`CDATA outside the root at offset ${pos}`);
      const end = xml.indexOf(']]>', pos);
      if (end === -1) throw new Error(`unclosed CDATA at offset ${pos}`);
      parent.text += xml.slice(pos + 9, end);
      pos = end + 3;
      continue;
    }
    if (xml.startsWith('<!', pos) || xml.startsWith('<?', pos))
      throw new Error(`DTD or processing instruction at offset ${pos}`);
    const close = /^<\/([^\s>]+)\s*>/.exec(xml.slice(pos));
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1])
        throw new Error(`</${close[1]}> closes ${open ? `<${open.name}>` : 'nothing'} at offset ${pos}`);
      pos += close[0].length;
      continue;
    }
    const tag = /^<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(xml.slice(pos));
    if (!tag) throw new Error(`malformed tag at offset ${pos}`);
    const [whole, name = '', attrText = '', selfClosing] = tag;
    if (!NAME.test(name)) throw new Error(`bad element name "${name}" at offset ${pos}`);
    if (!parent && root) throw new Error(`a second root element <${name}> at offset ${pos}`);
    const element: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (const [, key = '', dq, sq] of attrText.matchAll(/\s+([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      if (!NAME.test(key)) throw new Error(`bad attribute name "${key}" at offset ${pos}`);
      if (key in element.attrs) throw new Error(`duplicate attribute "${key}" at offset ${pos}`);
      element.attrs[key] = decode(dq ?? sq ?? '', pos);
    }
    if (parent) parent.children.push(element);
    else root = element;
    if (!selfClosing) stack.push(element);
    pos += whole.length;
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)?.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

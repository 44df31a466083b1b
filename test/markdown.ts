/**
 * Just enough Markdown for the docs test: code that a reader may paste into a shell, links, and
 * the anchors GitHub gives headings. No dependency: the docs use a small, regular subset.
 */

/** Fenced blocks whose language a reader runs in a shell; other blocks (text, json, mermaid) are not commands. */
const shellLanguages = new Set(['', 'bash', 'sh', 'shell', 'console']);

export interface MarkdownParts {
  /** Lines of shell code blocks, with `\` continuations joined and comments removed. */
  readonly shellLines: readonly string[];
  /** Inline code spans outside code blocks, with table-escaped `\|` turned back into `|`. */
  readonly codeSpans: readonly string[];
  /** Link targets outside code: `[text](target)`. */
  readonly links: readonly string[];
  /** Heading texts, in order. */
  readonly headings: readonly string[];
}

/** A shell comment starts at a `#` at the line's start or after a space, outside quotes. */
const withoutComment = (line: string): string => {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '#' && (index === 0 || /\s/.test(line[index - 1] ?? ''))) {
      return line.slice(0, index);
    }
  }
  return line;
};

const joinContinuations = (lines: readonly string[]): string[] => {
  const joined: string[] = [];
  let pending = '';
  for (const line of lines) {
    const stripped = withoutComment(line).trimEnd();
    if (stripped.endsWith('\\')) {
      pending += `${stripped.slice(0, -1)} `;
    } else {
      joined.push(pending + stripped);
      pending = '';
    }
  }
  if (pending) joined.push(pending);
  return joined.filter((line) => line.trim() !== '');
};

export const parseMarkdown = (text: string): MarkdownParts => {
  const shellLines: string[] = [];
  const codeSpans: string[] = [];
  const links: string[] = [];
  const headings: string[] = [];
  const prose: string[] = [];
  let fence: { language: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*```\s*([\w-]*)/.exec(line);
    if (marker) {
      if (fence) {
        if (shellLanguages.has(fence.language)) shellLines.push(...joinContinuations(fence.lines));
        fence = undefined;
      } else {
        fence = { language: marker[1] ?? '', lines: [] };
      }
      continue;
    }
    if (fence) {
      fence.lines.push(line);
      continue;
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) headings.push(heading[1] ?? '');
    prose.push(line);
  }
  // A code span may run over a line break; a blank line ends it.
  for (const paragraph of prose.join('\n').split(/\n\s*\n/)) {
    for (const span of paragraph.matchAll(/(`+)([\s\S]+?)\1/g)) codeSpans.push((span[2] ?? '').replace(/\s+/g, ' ').trim().replaceAll('\\|', '|'));
    const outsideCode = paragraph.replace(/(`+)([\s\S]+?)\1/g, '');
    for (const link of outsideCode.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push(link[1] ?? '');
  }
  return { shellLines, codeSpans, links, headings };
};

/**
 * GitHub's heading anchors (github-slugger): lower case, punctuation dropped, each space a hyphen;
 * a repeated heading gets -1, -2, ... in order.
 */
export const headingAnchors = (headings: readonly string[]): Set<string> => {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const heading of headings) {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\s-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
};

export interface TributaryInvocation {
  /** The words after `tributary`, up to where the command ends. */
  readonly words: readonly string[];
  /** As written, for messages. */
  readonly text: string;
}

/**
 * Where a command ends in a line: at a pipe, `;`, `&&`, `)` or a backtick outside the usage
 * brackets (`[--data <json> | --file <path>]` is one command).
 */
const commandEnd = (rest: string): number => {
  let depth = 0;
  for (let index = 0; index < rest.length; index++) {
    const char = rest[index];
    if (char === '[') depth++;
    else if (char === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (char === '|' || char === ';' || char === ')' || char === '`' || rest.startsWith('&&', index))) return index;
  }
  return rest.length;
};

/**
 * Every `tributary ...` or `npx tributary ...` where it is the command run: at the start, after
 * variable assignments, `$(`, `&&`, `;` or a pipe (not `helm install tributary ...`).
 */
export const tributaryInvocations = (code: string): TributaryInvocation[] =>
  [...code.matchAll(/(?:^|\$\(|\(|&&|;|\|)\s*(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+)?tributary\s+/g)].map((match) => {
    const start = (match.index ?? 0) + match[0].length;
    const rest = code.slice(start);
    const command = rest.slice(0, commandEnd(rest)).trim();
    // Placeholders (`<topic>`) name values, not words of the command; `< file` is a redirection.
    const words = command.replace(/<[^<>\s][^<>]*>/g, ' ').split(/\s+/).filter((word) => word !== '');
    return { words, text: `tributary ${command}` };
  });

export interface NpmInvocation {
  readonly script: string;
  /** The workspace named by `-w` / `--workspace`, when there is one. */
  readonly workspace?: string;
  readonly text: string;
}

/** `npm start`, `npm test` and `npm run <script>`, with the workspace they run in. */
export const npmInvocations = (code: string): NpmInvocation[] =>
  [...code.matchAll(/(?:^|[\s("'])npm\s+(?:run\s+([\w:.-]+)|(start|test))\b([^|;&)`]*)/g)].map((match) => {
    const script = match[1] ?? match[2] ?? '';
    const workspace = /(?:^|\s)(?:-w|--workspace)[\s=]+(\S+)/.exec(match[3] ?? '')?.[1];
    return { script, ...(workspace ? { workspace } : {}), text: match[0].trim() };
  });

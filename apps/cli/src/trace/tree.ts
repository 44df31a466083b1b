import type { JaegerSpan, JaegerTrace } from './jaeger-api.ts';

/** One span with the spans it caused, earliest first. */
export interface SpanNode {
  spanId: string;
  service: string;
  name: string;
  /** Microseconds since the epoch, as Jaeger gives them. */
  startTime: number;
  durationMs: number;
  /** The span ended in error (OpenTelemetry status ERROR, or Jaeger's `error` tag). */
  error: boolean;
  attributes: Record<string, unknown>;
  /** Its parent span is not in the trace (not exported yet, or dropped): shown as a root. */
  orphan: boolean;
  children: SpanNode[];
}

export interface TraceTree {
  traceId: string;
  startTime: number;
  /** From the first span's start to the last span's end. */
  durationMs: number;
  spanCount: number;
  services: string[];
  roots: SpanNode[];
}

const millis = (micros: number): number => Math.round(micros) / 1000;

/** A CHILD_OF reference within the trace names the parent; a FOLLOWS_FROM one stands in without it. */
const parentOf = (span: JaegerSpan): string | undefined => {
  const references = (span.references ?? []).filter((reference) => reference.traceID === span.traceID);
  return (references.find((reference) => reference.refType === 'CHILD_OF') ?? references[0])?.spanID;
};

const isError = (attributes: Record<string, unknown>): boolean =>
  attributes['error'] === true || attributes['error'] === 'true' || attributes['otel.status_code'] === 'ERROR';

const byStart = (a: { startTime: number }, b: { startTime: number }): number => a.startTime - b.startTime;

const sortDeep = (nodes: SpanNode[]): SpanNode[] => {
  nodes.sort(byStart);
  for (const node of nodes) sortDeep(node.children);
  return nodes;
};

/** Nests a trace's spans under their parents, every level ordered by start time. No I/O. */
export const buildTraceTree = (trace: JaegerTrace): TraceTree => {
  const nodes = new Map<string, SpanNode>();
  for (const span of trace.spans) {
    const attributes = Object.fromEntries((span.tags ?? []).map((tag) => [tag.key, tag.value]));
    nodes.set(span.spanID, {
      spanId: span.spanID,
      service: trace.processes[span.processID]?.serviceName ?? span.processID,
      name: span.operationName,
      startTime: span.startTime,
      durationMs: millis(span.duration),
      error: isError(attributes),
      attributes,
      orphan: false,
      children: [],
    });
  }
  const roots: SpanNode[] = [];
  for (const span of trace.spans) {
    const node = nodes.get(span.spanID)!;
    const parentId = parentOf(span);
    const parent = parentId === undefined || parentId === span.spanID ? undefined : nodes.get(parentId);
    if (parent) {
      parent.children.push(node);
    } else {
      node.orphan = parentId !== undefined;
      roots.push(node);
    }
  }
  const start = Math.min(...trace.spans.map((span) => span.startTime));
  const end = Math.max(...trace.spans.map((span) => span.startTime + span.duration));
  return {
    traceId: trace.traceID,
    startTime: start,
    durationMs: trace.spans.length === 0 ? 0 : millis(end - start),
    spanCount: trace.spans.length,
    services: [...new Set([...nodes.values()].map((node) => node.service))].sort(),
    roots: sortDeep(roots),
  };
};

/** Several searches may find the same trace: each once, earliest first. */
export const buildTraceTrees = (traces: readonly JaegerTrace[]): TraceTree[] => {
  const unique = new Map(traces.filter((trace) => trace.spans.length > 0).map((trace) => [trace.traceID, trace]));
  return [...unique.values()].map(buildTraceTree).sort(byStart);
};

const formatMs = (ms: number): string => `${ms.toFixed(1)} ms`;

/**
 * The trace as aligned lines: offset from the trace's start, duration, then the span indented
 * two spaces per level under its parent, with its service in brackets.
 */
export const formatTraceTree = (tree: TraceTree, jaegerUrl?: string): string[] => {
  const header = `trace ${tree.traceId}: ${tree.spanCount} span${tree.spanCount === 1 ? '' : 's'}, ${tree.services.length} service${tree.services.length === 1 ? '' : 's'}, ${formatMs(tree.durationMs)}`;
  const rows: [string, string, string][] = [];
  const visit = (node: SpanNode, depth: number): void => {
    const flags = [node.error ? 'ERROR' : '', node.orphan ? '(parent span missing)' : ''].filter(Boolean).join(' ');
    rows.push([`+${formatMs(millis(node.startTime - tree.startTime))}`, formatMs(node.durationMs), `${'  '.repeat(depth)}${node.service}: ${node.name}${flags ? `  ${flags}` : ''}`]);
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of tree.roots) visit(root, 0);
  const startWidth = Math.max('START'.length, ...rows.map((row) => row[0].length));
  const durationWidth = Math.max('DURATION'.length, ...rows.map((row) => row[1].length));
  const line = ([start, duration, span]: readonly string[]): string => `${start!.padStart(startWidth)}  ${duration!.padStart(durationWidth)}  ${span}`;
  return [
    jaegerUrl ? `${header}  ${jaegerUrl.replace(/\/+$/, '')}/trace/${tree.traceId}` : header,
    line(['START', 'DURATION', 'SPAN']),
    ...rows.map(line),
  ];
};

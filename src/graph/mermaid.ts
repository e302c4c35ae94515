/*
 * The mesh graph as Mermaid flowchart text, for Markdown (GitHub, GitLab and most wikis render
 * it). Same groups, colours and labels as the DOT picture. Not API.
 */
import { GraphNode, GraphView } from './graph-data';
import { edgeLook, ERROR_COLOR, findingLines, NODE_LOOK, WARNING_COLOR, worstLevel } from './style';
import { FindingLevel } from '../analysis/finding';

/** Text inside a quoted Mermaid label: quotes and angle brackets as Mermaid's entity codes. */
function text(s: string): string {
  return s.replace(/#(?=[a-z0-9]+;)/gi, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function nodeLabel(node: GraphNode): string {
  const look = NODE_LOOK[node.kind];
  const lines = [`<b>${text(node.title)}</b>`];
  const caption = node.caption ?? look.caption;
  if (caption) lines.push(`<i>${text(caption)}</i>`);
  lines.push(...node.details.map((d) => text(d.text)));
  lines.push(...findingLines(node).map((f) => text(f.text)));
  return `"${lines.join('<br/>')}"`;
}

function className(kind: string): string {
  return kind.replace(/-/g, '_');
}

export function toMermaid(view: GraphView): string {
  const out = ['flowchart LR'];
  if (view.nodes.length === 0) {
    out.push('  empty["no mesh objects in the input"]');
    return `${out.join('\n')}\n`;
  }
  // Mermaid ids are plain words: number the nodes in drawing order.
  const ids = new Map<string, string>(view.nodes.map((n, i) => [n.id, `n${i}`]));
  const members = new Map<string, GraphNode[]>();
  for (const n of view.nodes) if (n.group && ids.has(n.group)) members.set(n.group, [...(members.get(n.group) ?? []), n]);
  let groups = 0;
  const statement = (n: GraphNode, indent: string) => `${indent}${ids.get(n.id)}[${nodeLabel(n)}]`;
  const nodeOrGroup = (n: GraphNode, indent: string): string[] => {
    if (n.group && ids.has(n.group)) return [];
    const subsets = members.get(n.id);
    if (!subsets) return [statement(n, indent)];
    return [`${indent}subgraph g${groups++}[" "]`, statement(n, `${indent}  `), ...subsets.map((s) => statement(s, `${indent}  `)), `${indent}end`];
  };
  const cluster = (c: string | undefined, indent: string): string[] => {
    const lines: string[] = [];
    for (const ns of view.namespaces.filter((x) => x.cluster === c)) {
      const title = [`<b>namespace ${text(ns.name)}</b>`, ...ns.details.map((d) => text(d.text))].join('<br/>');
      lines.push(`${indent}subgraph g${groups++}["${title}"]`);
      for (const n of view.nodes) if (n.cluster === c && n.namespace === ns.name) lines.push(...nodeOrGroup(n, `${indent}  `));
      lines.push(`${indent}end`);
    }
    const free = view.nodes.filter((n) => n.cluster === c && n.namespace === undefined);
    const outside = free.filter((n) => n.kind === 'external');
    if (outside.length > 0) {
      lines.push(`${indent}subgraph g${groups++}["<b>outside the mesh</b>"]`, ...outside.map((n) => statement(n, `${indent}  `)), `${indent}end`);
    }
    for (const n of free) if (n.kind !== 'external') lines.push(...nodeOrGroup(n, indent));
    return lines;
  };
  if (view.clusters.length === 0) {
    out.push(...cluster(undefined, '  '));
  } else {
    for (const c of view.clusters) out.push(`  subgraph g${groups++}["<b>cluster ${text(c)}</b>"]`, ...cluster(c, '    '), '  end');
  }
  const linkStyles: string[] = [];
  view.edges.forEach((e, i) => {
    const look = edgeLook(e);
    const arrow = look.dashed || look.dotted ? '-.->' : e.layer === 'security' ? '==>' : '-->';
    const label = e.label.length > 0 ? `|"${e.label.map(text).join('<br/>')}"|` : '';
    out.push(`  ${ids.get(e.from)} ${arrow}${label} ${ids.get(e.to)}`);
    linkStyles.push(`  linkStyle ${i} stroke:${look.color},color:${look.color}`);
  });
  out.push(...linkStyles);
  const kinds = [...new Set(view.nodes.map((n) => n.kind))].sort();
  for (const kind of kinds) {
    const look = NODE_LOOK[kind];
    out.push(`  classDef ${className(kind)} fill:${look.fill},stroke:${look.border}${look.dashed ? ',stroke-dasharray:4 3' : ''}`);
    out.push(`  class ${view.nodes.filter((n) => n.kind === kind).map((n) => ids.get(n.id)).join(',')} ${className(kind)}`);
  }
  const flagged = view.nodes.filter((n) => worstLevel(n) !== undefined);
  if (flagged.length > 0) {
    for (const level of [FindingLevel.WARNING, FindingLevel.ERROR]) {
      const nodes = flagged.filter((n) => worstLevel(n) === level);
      if (nodes.length === 0) continue;
      const name = level === FindingLevel.ERROR ? 'finding_error' : 'finding_warning';
      out.push(`  classDef ${name} stroke:${level === FindingLevel.ERROR ? ERROR_COLOR : WARNING_COLOR},stroke-width:3px`);
      out.push(`  class ${nodes.map((n) => ids.get(n.id)).join(',')} ${name}`);
    }
  }
  return `${out.join('\n')}\n`;
}

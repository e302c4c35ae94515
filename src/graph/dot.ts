/*
 * The mesh graph as Graphviz DOT: namespaces as clusters (with their mTLS mode), a service and
 * its subsets in a cluster of their own, hosts outside the mesh in one more. Not API.
 */
import { GraphNode, GraphView } from './graph-data';
import { edgeLook, ERROR_COLOR, findingLines, findingsTooltip, NODE_LOOK, WARNING_COLOR, worstLevel } from './style';
import { FindingLevel } from '../analysis/finding';

const FONT = 'Helvetica,Arial,sans-serif';

/** A DOT double-quoted string. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Text inside an HTML-like label. */
function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function nodeLabel(node: GraphNode): string {
  const look = NODE_LOOK[node.kind];
  const parts = [`<b>${html(node.title)}</b>`];
  const caption = node.caption ?? look.caption;
  if (caption) parts.push(`<font point-size="8" color="#475569"><i>${html(caption)}</i></font>`);
  for (const d of node.details) parts.push(`<font point-size="9" color="#1e293b">${html(d.text)}</font>`);
  for (const f of findingLines(node)) {
    parts.push(`<font point-size="9" color="${f.level === FindingLevel.ERROR ? ERROR_COLOR : WARNING_COLOR}">${html(f.text)}</font>`);
  }
  return `<${parts.join('<br/>')}>`;
}

function nodeStatement(node: GraphNode, indent: string): string {
  const look = NODE_LOOK[node.kind];
  const level = worstLevel(node);
  const attrs = [
    `label=${nodeLabel(node)}`,
    `fillcolor=${quote(look.fill)}`,
    `color=${quote(level === FindingLevel.ERROR ? ERROR_COLOR : level ? WARNING_COLOR : look.border)}`,
  ];
  if (look.dashed) attrs.push('style="rounded,filled,dashed"');
  if (level) attrs.push('penwidth=2.5', `tooltip=${quote(findingsTooltip(node))}`);
  return `${indent}${quote(node.id)} [${attrs.join(', ')}];`;
}

/** A cluster's title and detail lines, left-aligned. */
function clusterLabel(lines: readonly string[]): string {
  const [first, ...rest] = lines;
  return `<<b>${html(first)}</b><br align="left"/>${rest.map((l) => `<font point-size="9">${html(l)}</font><br align="left"/>`).join('')}>`;
}

export function toDot(view: GraphView): string {
  const out: string[] = [
    'digraph mesh {',
    `  graph [rankdir=LR, fontname=${quote(FONT)}, fontsize=11, nodesep=0.3, ranksep=0.9, newrank=true, labeljust=l, pad=0.2];`,
    `  node [shape=box, style="rounded,filled", fontname=${quote(FONT)}, fontsize=11, margin="0.2,0.08", penwidth=1.2];`,
    `  edge [fontname=${quote(FONT)}, fontsize=9, arrowsize=0.7, penwidth=1.2];`,
  ];
  if (view.nodes.length === 0) {
    out.push('  "empty" [label="no mesh objects in the input", style="rounded,dashed"];', '}');
    return `${out.join('\n')}\n`;
  }
  // A service is drawn in a box with its subsets when it has any.
  const members = new Map<string, GraphNode[]>();
  for (const n of view.nodes) if (n.group) members.set(n.group, [...(members.get(n.group) ?? []), n]);
  const nodeOrGroup = (n: GraphNode, indent: string): string[] => {
    if (n.group && view.nodes.some((x) => x.id === n.group)) return []; // drawn with its service
    const subsets = members.get(n.id);
    if (!subsets) return [nodeStatement(n, indent)];
    return [
      `${indent}subgraph ${quote(`cluster_${n.id}`)} {`,
      `${indent}  label=""; style="rounded"; color="#86efac"; bgcolor="#f7fee7";`,
      nodeStatement(n, `${indent}  `),
      ...subsets.map((s) => nodeStatement(s, `${indent}  `)),
      `${indent}}`,
    ];
  };
  const cluster = (c: string | undefined, indent: string): string[] => {
    const lines: string[] = [];
    for (const ns of view.namespaces.filter((x) => x.cluster === c)) {
      lines.push(
        `${indent}subgraph ${quote(`cluster_ns:${c ? `${c}/` : ''}${ns.name}`)} {`,
        `${indent}  label=${clusterLabel([`namespace ${ns.name}`, ...ns.details.map((d) => d.text)])}; style="rounded,dashed"; color="#94a3b8"; fontcolor="#334155";`,
      );
      for (const n of view.nodes) if (n.cluster === c && n.namespace === ns.name) lines.push(...nodeOrGroup(n, `${indent}  `));
      lines.push(`${indent}}`);
    }
    const free = view.nodes.filter((n) => n.cluster === c && n.namespace === undefined);
    const outside = free.filter((n) => n.kind === 'external');
    if (outside.length > 0) {
      lines.push(
        `${indent}subgraph ${quote(`cluster_external${c ? `:${c}` : ''}`)} {`,
        `${indent}  label=${clusterLabel(['outside the mesh'])}; style="rounded,dashed"; color="#d97706"; fontcolor="#92400e";`,
        ...outside.map((n) => nodeStatement(n, `${indent}  `)),
        `${indent}}`,
      );
    }
    for (const n of free) if (n.kind !== 'external') lines.push(...nodeOrGroup(n, indent));
    return lines;
  };
  if (view.clusters.length === 0) {
    out.push(...cluster(undefined, '  '));
  } else {
    // An app of several clusters: one box per cluster around its namespaces.
    for (const c of view.clusters) {
      out.push(`  subgraph ${quote(`cluster_c:${c}`)} {`, `    label=${clusterLabel([`cluster ${c}`])}; style="rounded"; color="#475569"; penwidth=1.5;`);
      out.push(...cluster(c, '    '), '  }');
    }
  }
  for (const e of view.edges) {
    const look = edgeLook(e);
    const attrs = [`color=${quote(look.color)}`, `fontcolor=${quote(look.color)}`];
    if (e.label.length > 0) attrs.unshift(`label=${quote(e.label.join('\n'))}`);
    if (look.dashed) attrs.push('style=dashed');
    if (look.dotted) attrs.push('style=dotted');
    if (e.layer === 'security') attrs.push(e.style === 'deny' ? 'arrowhead=tee' : 'arrowhead=onormal');
    out.push(`  ${quote(e.from)} -> ${quote(e.to)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

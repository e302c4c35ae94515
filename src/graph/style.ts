/*
 * Colours and shapes shared by the DOT and Mermaid writers, so both pictures read the same. Not API.
 */
import { EdgeStyle, GraphEdge, GraphNode, NodeKind } from './graph-data';
import { FindingLevel } from '../analysis/finding';

export interface NodeLook {
  readonly fill: string;
  readonly border: string;
  /** A small line above the details saying what the node is, where the title alone does not. */
  readonly caption?: string;
  readonly dashed?: boolean;
}

export const NODE_LOOK: Record<NodeKind, NodeLook> = {
  'gateway': { fill: '#dbeafe', border: '#2563eb', caption: 'ingress gateway' },
  'egress-gateway': { fill: '#ede9fe', border: '#7c3aed', caption: 'egress gateway' },
  'waypoint': { fill: '#e0f2fe', border: '#0284c7', caption: 'waypoint' },
  'service': { fill: '#dcfce7', border: '#16a34a' },
  'subset': { fill: '#f0fdf4', border: '#4ade80' },
  'workload': { fill: '#f1f5f9', border: '#64748b', caption: 'workload' },
  'external': { fill: '#fef3c7', border: '#d97706', caption: 'external' },
  'sources': { fill: '#f8fafc', border: '#94a3b8', dashed: true },
  'mesh': { fill: '#f1f5f9', border: '#64748b', dashed: true },
  'action': { fill: '#fff7ed', border: '#ea580c' },
  'notes': { fill: '#fef2f2', border: '#dc2626' },
};

export interface EdgeLook {
  readonly color: string;
  readonly dashed?: boolean;
  readonly dotted?: boolean;
}

const EDGE_LOOK: Record<EdgeStyle, EdgeLook> = {
  route: { color: '#2563eb' },
  mirror: { color: '#7c3aed', dashed: true },
  allow: { color: '#16a34a' },
  deny: { color: '#dc2626' },
  audit: { color: '#64748b', dotted: true },
  custom: { color: '#9333ea' },
};

/** Routes leaving the mesh are amber; routes without traffic (weight 0) dotted grey. */
export function edgeLook(edge: GraphEdge): EdgeLook {
  if (edge.idle) return { color: '#94a3b8', dotted: true };
  if (edge.style === 'route' && edge.layer === 'egress') return { color: '#d97706' };
  return EDGE_LOOK[edge.style];
}

export const ERROR_COLOR = '#dc2626';
export const WARNING_COLOR = '#ea580c';

/** The worst level among a node's findings. */
export function worstLevel(node: GraphNode): FindingLevel | undefined {
  if (node.findings.some((f) => f.level === FindingLevel.ERROR)) return FindingLevel.ERROR;
  if (node.findings.length > 0) return FindingLevel.WARNING;
  return undefined;
}

/**
 * A node's findings in short lines, one per level and code (errors first), e.g.
 * `Error IST0101 Referenced host not found (×2)`; the full messages go to the tooltip.
 */
export function findingLines(node: GraphNode, shown = 3): Array<{ readonly level: FindingLevel; readonly text: string }> {
  const groups = new Map<string, { level: FindingLevel; code: string; message: string; count: number }>();
  const sorted = [...node.findings].sort((a, b) => (a.level === b.level ? 0 : a.level === FindingLevel.ERROR ? -1 : 1));
  for (const f of sorted) {
    const key = `${f.level} ${f.code}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { level: f.level, code: f.code, message: f.message, count: 1 });
  }
  const lines = [...groups.values()].map((g) => {
    // The message's first clause: "Referenced host not found: \"x\"" -> "Referenced host not found".
    const clause = g.message.split(/: |\. /)[0].replace(/\.$/, '');
    const short = clause.length > 48 ? `${clause.slice(0, 47)}…` : clause;
    return { level: g.level, text: `${g.level} ${g.code} ${short}${g.count > 1 ? ` (×${g.count})` : ''}` };
  });
  if (lines.length <= shown) return lines;
  return [...lines.slice(0, shown - 1), { level: lines[shown - 1].level, text: `+${lines.length - shown + 1} more (see tooltip)` }];
}

/** Every finding of a node in full, for tooltips. */
export function findingsTooltip(node: GraphNode): string {
  return node.findings.map((f) => `${f.level} ${f.code} ${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}: ${f.message}`).join('\n');
}

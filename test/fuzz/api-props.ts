/**
 * The prop names of each construct's public API, read from the sources with the TypeScript
 * parser: the props interface of its constructor, the options of its methods, every interface
 * reachable from those (so `connectionPool.maxRequests` and `rules[0].from[0].principals` are
 * props of CircuitBreaker and AuthorizationPolicy), and its public methods and properties. An
 * error names a prop when it names one of these, set by the user or left to its default.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.resolve(__dirname, '..', '..', 'src');

interface Declarations {
  /** Interface name -> its members' names and type texts. */
  readonly interfaces: Map<string, Array<{ name: string; type: string }>>;
  /** Class name -> the type texts of its constructor and method parameters, and its method names. */
  readonly classes: Map<string, { types: string[]; methods: string[] }>;
}

let declarations: Declarations | undefined;

function read(): Declarations {
  if (declarations) return declarations;
  const interfaces = new Map<string, Array<{ name: string; type: string }>>();
  const classes = new Map<string, { types: string[]; methods: string[] }>();
  const files: string[] = [];
  const walkDir = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'imports') walkDir(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  walkDir(SRC);
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node)) {
        const members = node.members.filter(ts.isPropertySignature).map((m) => ({ name: m.name.getText(source), type: m.type?.getText(source) ?? '' }));
        const inherited = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => ({ name: '', type: t.getText(source) })));
        interfaces.set(node.name.text, [...members, ...inherited]);
      } else if (ts.isClassDeclaration(node) && node.name) {
        const types: string[] = [];
        const methods: string[] = [];
        for (const member of node.members) {
          // `_render` and friends are @internal: not part of what users see.
          const isPublic = !member.name?.getText(source).startsWith('_') && !(ts.canHaveModifiers(member) && (ts.getModifiers(member) ?? [])
            .some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword));
          if (!isPublic && !ts.isConstructorDeclaration(member)) continue;
          if (ts.isConstructorDeclaration(member) || ts.isMethodDeclaration(member)) {
            for (const p of member.parameters) if (p.type) types.push(p.type.getText(source));
            if (ts.isMethodDeclaration(member) && isPublic) methods.push(member.name.getText(source));
          } else if ((ts.isPropertyDeclaration(member) || ts.isGetAccessorDeclaration(member)) && isPublic) {
            // Public properties (`hosts`, `service`) are part of what a construct exposes too.
            methods.push(member.name.getText(source));
          }
        }
        classes.set(node.name.text, { types, methods });
      }
    });
  }
  declarations = { interfaces, classes };
  return declarations;
}

const cache = new Map<string, Set<string>>();

/** Every prop (and method) name of a construct class's API, nested interfaces included. */
export function apiProps(className: string): Set<string> {
  const cached = cache.get(className);
  if (cached) return cached;
  const { interfaces, classes } = read();
  const cls = classes.get(className);
  const names = new Set<string>(cls?.methods ?? []);
  const queue = [...(cls?.types ?? [])];
  const seen = new Set<string>();
  while (queue.length > 0) {
    for (const identifier of queue.shift()!.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
      const members = interfaces.get(identifier);
      if (!members || seen.has(identifier)) continue;
      seen.add(identifier);
      for (const m of members) {
        if (m.name) names.add(m.name);
        queue.push(m.type);
      }
    }
  }
  cache.set(className, names);
  return names;
}

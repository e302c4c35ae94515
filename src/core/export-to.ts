import { IConstruct } from 'constructs';
import { dnsLabelRule } from './hosts';
import { fail } from './validation-error';
import { checkList, checkRequiredInstance } from './value-types';

/**
 * Where an Istio object (VirtualService, DestinationRule, ServiceEntry) is visible.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-export_to
 */
export class ExportTo {
  /** Only the namespace the object is in (`.`). */
  public static readonly THIS_NAMESPACE = new ExportTo('.');
  /** Every namespace (`*`). */
  public static readonly ALL_NAMESPACES = new ExportTo('*');
  /** No namespace at all (`~`, ServiceEntry only): declare a host without exposing it. */
  public static readonly NO_NAMESPACE = new ExportTo('~');

  /** One named namespace. */
  public static namespace(name: string): ExportTo {
    return new ExportTo(name);
  }

  private constructor(
    /** The wire value. */
    public readonly value: string,
  ) {}
}

/**
 * istiod's exportTo rules: each entry `.`, `*`, `~` or a namespace; no duplicates (`.` and the
 * own namespace count as one); `*` and `~` alone.
 */
export function renderExportTo(
  scope: IConstruct | string,
  property: string,
  exportTo: readonly ExportTo[] | undefined,
  ownNamespace: string | undefined,
  options: { allowNone?: boolean } = {},
): string[] | undefined {
  if (exportTo === undefined) return undefined;
  checkList(scope, property, exportTo as ExportTo[]);
  exportTo.forEach((entry, i) => checkRequiredInstance(scope, `${property}[${i}]`, entry, ExportTo,
    "Use ExportTo.THIS_NAMESPACE, ExportTo.ALL_NAMESPACES or ExportTo.namespace('shop')."));
  const values = exportTo.map((entry) => entry.value);
  const seen = new Set<string>();
  for (const value of values) {
    const key = value === ownNamespace ? '.' : value;
    if (seen.has(key)) {
      fail(scope, property, 'must not list a namespace twice', values, "Remove the duplicate ('.' already means the object's own namespace).");
    }
    seen.add(key);
    if (value === '~' && !options.allowNone) {
      fail(scope, property, "may use '~' only on a ServiceEntry", values, 'Use ExportTo.THIS_NAMESPACE to keep the object private.');
    }
    if (!['.', '*', '~'].includes(value) && dnsLabelRule(value) !== undefined) {
      fail(scope, property, `has an invalid namespace '${value}'`, values, 'Namespaces are DNS labels such as "bookinfo".');
    }
  }
  if (values.length > 1 && (seen.has('*') || seen.has('~'))) {
    fail(scope, property, "must list '*' or '~' alone", values, 'Use ExportTo.ALL_NAMESPACES alone, or list the namespaces you mean.');
  }
  return values;
}

// Bookinfo's services and versions, as Istio's traffic-management tasks use them.
import { MeshService, ReleaseVersion } from '../../src';

export const NAMESPACE = 'bookinfo';

export const productpage = MeshService.fromName('productpage', NAMESPACE, { port: 9080 });
export const reviews = MeshService.fromName('reviews', NAMESPACE, { port: 9080 });
export const ratings = MeshService.fromName('ratings', NAMESPACE, { port: 9080 });
export const details = MeshService.fromName('details', NAMESPACE, { port: 9080 });

export function versions(...names: string[]): ReleaseVersion[] {
  return names.map((name) => ReleaseVersion.fromLabels(name));
}

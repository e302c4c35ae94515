// `cdk8s import` gives the bare class name to the first version listed in a CRD; a different
// bundle could silently change what `VirtualService` means. Pin every L1 we use.
import * as fs from 'fs';
import * as path from 'path';
import * as certManager from '../src/imports/cert-manager.io';
import * as gatewayApi from '../src/imports/gateway.networking.k8s.io';
import * as networking from '../src/imports/networking.istio.io';
import * as security from '../src/imports/security.istio.io';
import * as telemetry from '../src/imports/telemetry.istio.io';
import { GVK } from '../src/render/gvk';

const SRC = path.join(__dirname, '..', 'src');

test.each([
  [networking.VirtualService.GVK, 'networking.istio.io/v1', 'VirtualService'],
  [networking.DestinationRule.GVK, 'networking.istio.io/v1', 'DestinationRule'],
  [networking.Gateway.GVK, 'networking.istio.io/v1', 'Gateway'],
  [networking.ServiceEntry.GVK, 'networking.istio.io/v1', 'ServiceEntry'],
  [networking.Sidecar.GVK, 'networking.istio.io/v1', 'Sidecar'],
  [networking.WorkloadEntry.GVK, 'networking.istio.io/v1', 'WorkloadEntry'],
  [security.PeerAuthentication.GVK, 'security.istio.io/v1', 'PeerAuthentication'],
  [security.AuthorizationPolicy.GVK, 'security.istio.io/v1', 'AuthorizationPolicy'],
  [security.RequestAuthentication.GVK, 'security.istio.io/v1', 'RequestAuthentication'],
  [telemetry.Telemetry.GVK, 'telemetry.istio.io/v1', 'Telemetry'],
  [certManager.Certificate.GVK, 'cert-manager.io/v1', 'Certificate'],
  [certManager.Issuer.GVK, 'cert-manager.io/v1', 'Issuer'],
  [certManager.ClusterIssuer.GVK, 'cert-manager.io/v1', 'ClusterIssuer'],
  [gatewayApi.Gateway.GVK, 'gateway.networking.k8s.io/v1', 'Gateway'],
  [gatewayApi.HttpRoute.GVK, 'gateway.networking.k8s.io/v1', 'HTTPRoute'],
])('L1 %o is %s %s', (gvk, apiVersion, kind) => {
  expect(gvk).toEqual({ apiVersion, kind });
});

test.each([
  ['VirtualService', networking.VirtualService.GVK],
  ['DestinationRule', networking.DestinationRule.GVK],
  ['Gateway', networking.Gateway.GVK],
  ['ServiceEntry', networking.ServiceEntry.GVK],
  ['Sidecar', networking.Sidecar.GVK],
  ['WorkloadEntry', networking.WorkloadEntry.GVK],
  ['PeerAuthentication', security.PeerAuthentication.GVK],
  ['AuthorizationPolicy', security.AuthorizationPolicy.GVK],
  ['RequestAuthentication', security.RequestAuthentication.GVK],
  ['Telemetry', telemetry.Telemetry.GVK],
  ['Certificate', certManager.Certificate.GVK],
  ['Issuer', certManager.Issuer.GVK],
  ['ClusterIssuer', certManager.ClusterIssuer.GVK],
  ['KubernetesGateway', gatewayApi.Gateway.GVK],
  ['HTTPRoute', gatewayApi.HttpRoute.GVK],
])('the GVK table entry %s matches its L1 class', (name, l1) => {
  expect((GVK as Record<string, unknown>)[name]).toEqual(l1);
});

test('the library does not load the generated L1 modules at runtime (type-only imports are fine)', () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'imports') walk(file);
      } else if (file.endsWith('.ts')) {
        const source = fs.readFileSync(file, 'utf8');
        if (/^import (?!type )[^;]*from '(\.\.?\/)+imports\//m.test(source)) offenders.push(path.relative(SRC, file));
      }
    }
  };
  walk(SRC);
  expect(offenders).toEqual([]);
});

test('the L1 classes are not part of the public API', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('../src');
  expect(Object.keys(api)).not.toContain('VirtualService');
  expect(Object.keys(api)).not.toContain('DestinationRuleSpec');
});

import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import type * as GatewayApiRenderer from './gateway-api/renderer';
import { attachIstioRenderer } from './istio/renderer';
import { renderedObjectOf } from './rendered';
import { Destination, MeshModel, ModelEvent, RouteTable } from '../model/mesh-model';

export { modelSourceOf } from './rendered';

const ATTACHED = new WeakSet<MeshModel>();
let gatewayApiModule: typeof GatewayApiRenderer | undefined;

/**
 * The model of `scope`'s app, with the renderers attached: Istio tables become VirtualServices
 * (src/render/istio), Gateway API tables HTTPRoutes, GRPCRoutes, TLSRoutes or TCPRoutes
 * (src/render/gateway-api), destinations DestinationRules. The Gateway API renderer loads on
 * the first table that needs it: apps on Istio's APIs never load it.
 */
export function meshModel(scope: IConstruct): MeshModel {
  const model = MeshModel.of(scope);
  if (!ATTACHED.has(model)) {
    ATTACHED.add(model);
    attachIstioRenderer(model);
    let gatewayApi: ((event: ModelEvent) => void) | undefined;
    model.onNew((event) => {
      if (!gatewayApi && event.table?.api === 'gateway-api') {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        gatewayApiModule ??= require('./gateway-api/renderer') as typeof GatewayApiRenderer;
        gatewayApi = gatewayApiModule.gatewayApiRenderer(model);
      }
      gatewayApi?.(event);
    });
  }
  return model;
}

/** The object rendered for a route table or destination (for escape hatches). */
export function renderedObject(source: RouteTable | Destination): ApiObject {
  let obj = renderedObjectOf(source);
  if (!obj && source instanceof Destination) {
    // A destination only Gateway API routes use, without policy, has no rule yet: asking for it makes one.
    MeshModel.of(source.firstOwner).announce(source);
    obj = renderedObjectOf(source);
  }
  return obj!;
}

import { Construct } from 'constructs';
import { destinationRuleSpec } from './destination-rule';
import { virtualServiceSpec } from './virtual-service';
import { Destination, MeshModel, RouteTable } from '../../model/mesh-model';
import { wireObject } from '../api-object';
import { GVK } from '../gvk';
import { containerFor, ModelSpecProducer, recordRendered, renderedId } from '../rendered';

/**
 * Renders the model with Istio's APIs: every Istio route table becomes one
 * `networking.istio.io/v1` VirtualService, every destination that needs one a DestinationRule.
 */
export function attachIstioRenderer(model: MeshModel): void {
  model.onNew((event) => {
    if (event.table && event.table.api === 'istio') renderVirtualService(event.table);
    if (event.destination) renderDestinationRule(event.destination);
  });
}

function renderVirtualService(table: RouteTable): void {
  const { name, namespace } = table.key;
  recordRendered(table, wireObject(containerFor(table.firstOwner), renderedId('VirtualService', namespace, name), GVK.VirtualService,
    { name, namespace }, new VirtualServiceProducer(table), table.firstOwner as Construct));
}

function renderDestinationRule(destination: Destination): void {
  const { name, namespace } = destination;
  recordRendered(destination, wireObject(containerFor(destination.firstOwner), renderedId('DestinationRule', namespace, name), GVK.DestinationRule,
    { name, namespace }, new DestinationRuleProducer(destination), destination.firstOwner as Construct));
}

class VirtualServiceProducer implements ModelSpecProducer {
  constructor(public readonly modelSource: RouteTable) {}
  public produce() {
    return virtualServiceSpec(this.modelSource);
  }
}

class DestinationRuleProducer implements ModelSpecProducer {
  constructor(public readonly modelSource: Destination) {}
  public produce() {
    return destinationRuleSpec(this.modelSource);
  }
}

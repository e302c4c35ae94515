/**
 * Moved: the renderers live in src/render/istio/ and src/render/gateway-api/, attached by
 * src/render/model-renderers.ts. This module re-exports what callers used from here.
 */
export { meshModel, modelSourceOf, renderedObject } from './model-renderers';
export { virtualServiceSpec } from './istio/virtual-service';
export { destinationRuleSpec } from './istio/destination-rule';

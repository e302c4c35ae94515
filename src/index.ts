export * from './core/export-to';
export * from './core/mesh-gateway';
export * from './core/mesh-service';
export * from './core/protocol';
export * from './traffic/load-balancer';
export * from './traffic/circuit-breaker';
export * from './analysis/finding';
export * from './analysis/mesh-analysis';

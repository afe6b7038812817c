export { createEngine, type Engine, type EngineOptions, isEngine } from './engine.js';
export type { SettlementChannel } from './settlements.js';

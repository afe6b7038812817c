export { createEngine, type Engine, type EngineOptions, isEngine } from './engine.js';

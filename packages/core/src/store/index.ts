export { createMemoryStore, type ResilienceStore } from './resilience-store.js';

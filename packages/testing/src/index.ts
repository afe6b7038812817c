export type { FaultOptions, SimReply, SimRequest, SimulatorOptions } from './behaviour.js';
export { PortOneBehaviour } from './behaviour.js';
export { envelope, htmlStatusPage, httpStatusFor } from './envelope.js';
export {
  Ledger,
  type LedgerMove,
  type LedgerPayment,
  type LedgerPayout,
  type LedgerPlan,
} from './ledger.js';
export {
  createPortOneMock,
  type PortOneMock,
  type PortOneMockOptions,
  portoneHandlers,
} from './msw.js';
export { seededRandom } from './prng.js';
export { type PaymentRequestOptions, paymentRequest } from './requests.js';
export { type Simulator, type StartSimulatorOptions, startSimulator } from './simulator.js';
export type { Route, Step } from './steps.js';
export { testPolicy } from './test-policy.js';
export type {
  DeliverOptions,
  SimulatorWebhookOptions,
  SimulatorWebhooks,
  WebhookDelivery,
  WebhookTransport,
} from './webhooks.js';

// Placeholder until the demo issue lands: the checkout story against the simulator is not built yet.
console.log(
  'pnpm demo: not built yet. The demo of the SDK against the simulator is still to come.',
);

// Placeholder until the benchmark issue lands: nothing is measured yet.
console.log('pnpm bench: not built yet. No figures are produced by this placeholder.');

// Expression evaluation: a compiled unit-aware expression with variables, evaluated many times.
// Figure: median_us = median over runs of the mean time per evaluation (µs). Target: <= 1 µs.
import { Expression, Parameters, Quantity } from '../../packages/core/dist/index.js';
import { median, report, round } from './lib.mjs';

const SOURCE = '(10 MHz + 20 kHz)/2 + detuning * 3';
const RUNS = 9;
const EVALUATIONS = 1_000_000;

// Several parameter sets of the same types, as successive shots would give, plus some constants.
const base = Parameters.of(
  Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`global_${i}`, new Quantity(i, 'MHz')])),
);
const shots = Array.from({ length: 16 }, (_, i) =>
  base.with('detuning', new Quantity(i * 0.25 - 2, 'MHz')),
);

const t0 = process.hrtime.bigint();
const expression = new Expression(SOURCE);
const first = expression.evaluate(shots[0]);
const compileUs = Number(process.hrtime.bigint() - t0) / 1e3;
console.log(
  `${SOURCE} = ${first} (parse + compile + first evaluation: ${compileUs.toFixed(1)} µs)`,
);

// Parse + compile + one evaluation of a fresh expression, once the code is warm.
const COMPILES = 20_000;
const c0 = process.hrtime.bigint();
for (let i = 0; i < COMPILES; i++) new Expression(SOURCE).evaluate(shots[0]);
const warmCompileUs = Number(process.hrtime.bigint() - c0) / 1e3 / COMPILES;
console.log(`parse + compile + evaluate, warm: ${warmCompileUs.toFixed(2)} µs`);

let sink = 0;
const perEvaluation = [];
for (let run = 0; run < RUNS; run++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVALUATIONS; i++) sink += expression.evaluate(shots[i & 15]).toBase();
  const us = Number(process.hrtime.bigint() - start) / 1e3 / EVALUATIONS;
  perEvaluation.push(us);
  console.log(`run ${run + 1}: ${us.toFixed(4)} µs per evaluation`);
}
if (!Number.isFinite(sink)) throw new Error('unexpected result');
report('expression-eval', {
  median_us: round(median(perEvaluation), 4),
  runs: RUNS,
  evaluations_per_run: EVALUATIONS,
  first_compile_us: round(compileUs, 1),
  compile_us: round(warmCompileUs, 2),
});

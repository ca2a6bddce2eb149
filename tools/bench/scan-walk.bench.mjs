// Walking a three-level nested scan of 100,000 shots (10 x 100 x 100), one parameter set per shot
// including 50 constants. Figure: shots_per_s = median over runs. Target: >= 200,000/s.
import {
  ArangeLoop,
  ExecuteShot,
  IterationConfiguration,
  LinspaceLoop,
  ParameterNamespace,
  VariableDeclaration,
} from '../../packages/core/dist/index.js';
import { median, report, round } from './lib.mjs';

const RUNS = 7;
const globals = ParameterNamespace.fromMapping({
  ...Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`g${i}`, `${i} MHz`])),
  mot: { detuning: '-2 MHz', power: '-3 dBm' },
});
const constants = globals.evaluate();

const iteration = new IterationConfiguration([
  new VariableDeclaration('n', '100'),
  new LinspaceLoop({
    variable: 'mot.detuning',
    start: '-5 MHz',
    stop: '5 MHz',
    num: 10,
    steps: [
      new LinspaceLoop({
        variable: 'power',
        start: '0 dBm',
        stop: '-20 dBm',
        num: 100,
        steps: [
          new ArangeLoop({
            variable: 'rep',
            start: '0',
            stop: 'n',
            step: '1',
            steps: [new ExecuteShot()],
          }),
        ],
      }),
    ],
  }),
]);
const expected = iteration.expectedShotCount(constants);
console.log(
  `expected shots: ${expected}, parameters per shot: ${[...iteration.walk(constants)][0].size}`,
);

const rates = [];
for (let run = 0; run < RUNS; run++) {
  const start = process.hrtime.bigint();
  let shots = 0;
  let sink = 0;
  for (const p of iteration.walk(constants)) {
    shots++;
    sink += p.get('rep');
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (shots !== expected || sink !== 10 * 100 * 4950) throw new Error(`walked ${shots} shots`);
  rates.push(shots / seconds);
  console.log(
    `run ${run + 1}: ${shots} shots in ${(seconds * 1e3).toFixed(1)} ms (${Math.round(shots / seconds)} shots/s)`,
  );
}
report('scan-walk', { shots_per_s: round(median(rates), 0), runs: RUNS, shots: expected });

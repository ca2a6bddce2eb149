// Per-picture cost of the cameras on the main thread.
// - simulated_512_ms / simulated_2048_ms: rendering one simulated uint16 picture (Gaussian cloud and
//   read-out noise) of 512x512 and 2048x2048 pixels;
// - aravis_copy_2048_ms: copying one 2048x2048 Mono16 frame of Aravis's fake camera out of its native
//   buffer into an NDArray (what every Aravis picture costs besides waiting for it); absent without
//   libaravis-0.8.
// Figures are medians over runs of the mean per picture.
import { renderSimulatedImage } from '../../packages/camera/dist/index.js';
import { AravisLibrary } from '../../packages/camera/dist/internal/aravis-library.js';
import { NDArray } from '../../packages/core/dist/index.js';
import { median, report, round } from './lib.mjs';

const RUNS = 7;

function measure(label, repeat, work) {
  work(); // warm up
  const perPicture = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < repeat; i++) work(i);
    perPicture.push(Number(process.hrtime.bigint() - t0) / 1e6 / repeat);
  }
  const m = median(perPicture);
  console.log(
    `${label}: median ${m.toFixed(2)} ms per picture (${perPicture.map((x) => x.toFixed(2)).join(', ')})`,
  );
  return m;
}

function simulated(size, repeat) {
  const picture = {
    sensor: { width: size, height: size },
    roi: { x: 0, y: 0, width: size, height: size },
    bitDepth: 16,
    exposure: 0.002,
    cloud: { x: size / 2, y: size / 2, sigma: size / 20, peak: 1000 },
    noise: { seed: 1, sigma: 5, offset: 100 },
    reverseX: false,
    reverseY: false,
    shotIndex: 0,
    pictureIndex: 0,
  };
  return measure(`simulated ${size}x${size}`, repeat, (i = 0) =>
    renderSimulatedImage({ ...picture, shotIndex: i }),
  );
}

async function aravisCopy() {
  let library;
  try {
    library = AravisLibrary.load();
  } catch (error) {
    console.log(
      `libaravis-0.8 is not available (${error.message}): the Aravis copy is not measured`,
    );
    return undefined;
  }
  library.enableInterface('Fake');
  const camera = await library.cameraNew('Fake_1');
  const stream = library.createStream(camera);
  try {
    library.setRegion(camera, { x: 0, y: 0, width: 2048, height: 2048 });
    library.setPixelFormat(camera, 'Mono16');
    const payload = library.payload(camera);
    library.pushBuffer(stream, library.newBuffer(payload));
    library.startAcquisition(camera);
    const buffer = await library.popBuffer(stream, 2_000_000);
    library.stopAcquisition(camera);
    if (buffer === null) throw new Error('the fake camera sent no frame');
    const m = measure('aravis copy 2048x2048 Mono16', 20, () => {
      const image = library.bufferImage(buffer);
      return new NDArray(
        'uint16',
        [image.height, image.width],
        new Uint16Array(image.bytes.buffer),
      );
    });
    library.unref(buffer);
    return m;
  } finally {
    library.unref(stream);
    library.unref(camera);
  }
}

const figures = {
  simulated_512_ms: round(simulated(512, 20)),
  simulated_2048_ms: round(simulated(2048, 3)),
};
const copy = await aravisCopy();
if (copy !== undefined) figures.aravis_copy_2048_ms = round(copy);
report('camera-frames', { ...figures, runs: RUNS });

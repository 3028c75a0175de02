// Reference detections for tests/models/test_tiny_face_detector.cpp, made by face-api itself.
//
// Runs @vladmandic/face-api's TinyFaceDetector (the pinned copy .ci/fetch-models unpacks into the
// model cache) with tfjs's pure-JavaScript CPU backend, on RGB pixels that libcnn's own decoder
// produced (tests/models/dump_rgb writes them as PPM), and writes one small JSON per photo into
// tests/models/fixtures/. Both sides therefore see identical pixels: the comparison is about the
// network and its pre/post-processing, not about two JPEG decoders.
//
// face-api's browser bundle (dist/face-api.esm.js) carries tfjs. Under Node it would pick tfjs's
// Node platform, whose bundled `util` shim is empty, so it is imported with `process` hidden and
// given a small platform object instead; the CPU backend (plain JavaScript) does all the math.
// No tfjs-node native add-on and no npm install are involved.
//
// Usage (from the repository root):
//   build-t/bin/dump_rgb /tmp/ppm ../shared/data/facemask-detect/images/NAME.jpg ...
//   node tests/models/make_face_api_fixtures.mjs /tmp/ppm NAME ...      write the fixtures
//   node tests/models/make_face_api_fixtures.mjs --bench /tmp/ppm NAME  time face-api (CPU)
// Environment: CNN_MODEL_CACHE (default ~/.cache/libcnn), FIXTURES_OUT (default
// tests/models/fixtures next to this script).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import os from 'node:os';

const VERSION = '1.7.15';
const INPUT_SIZE = 416;         // face-api's default TinyFaceDetectorOptions
const SCORE_THRESHOLD = 0.5;

const cache = process.env.CNN_MODEL_CACHE || join(os.homedir(), '.cache', 'libcnn');
const pkg = join(cache, `face-api-${VERSION}`);
const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.env.FIXTURES_OUT || join(here, 'fixtures');

let args = process.argv.slice(2);
const bench = args[0] === '--bench';
if (bench) args = args.slice(1);
if (args.length < 2) {
  console.error('usage: make_face_api_fixtures.mjs [--bench] PPM_DIR NAME...');
  process.exit(2);
}
const [ppmDir, ...names] = args;

// ---- face-api with tfjs's CPU backend ----
const realProcess = globalThis.process;
globalThis.process = undefined;  // keep tfjs off its Node platform (see the top comment)
let faceapi;
try {
  faceapi = await import(join(pkg, 'dist', 'face-api.esm.js'));
} finally {
  globalThis.process = realProcess;
}
const { tf } = faceapi;
// face-api's own environment (media classes, file system) is chosen at import too; inputs here are
// tensors, so its Node variant with placeholder classes is all it needs.
faceapi.env.setEnv(faceapi.env.createNodejsEnv());
tf.env().setPlatform('node-pure-js', {
  fetch: () => { throw new Error('no network access in the fixture script'); },
  now: () => performance.now(),
  encode: (s) => new TextEncoder().encode(s),
  decode: (b, enc) => new TextDecoder(enc).decode(b),
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
});
await tf.setBackend('cpu');
await tf.ready();
if (tf.getBackend() !== 'cpu') throw new Error(`expected the cpu backend, got ${tf.getBackend()}`);

// Weights: the manifest and its shards, decoded by tfjs's own io.decodeWeights.
const modelDir = join(pkg, 'model');
const manifest = JSON.parse(readFileSync(join(modelDir, 'tiny_face_detector_model-weights_manifest.json'), 'utf8'));
const weightMap = {};
for (const group of manifest) {
  const buffers = group.paths.map((p) => readFileSync(join(modelDir, p)));
  const all = Buffer.concat(buffers);
  const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  Object.assign(weightMap, tf.io.decodeWeights(ab, group.weights));
}
const net = new faceapi.TinyFaceDetector();
net.loadFromWeightMap(weightMap);
const options = new faceapi.TinyFaceDetectorOptions({ inputSize: INPUT_SIZE, scoreThreshold: SCORE_THRESHOLD });

// ---- pixels ----
function readPpm(path) {
  const buf = readFileSync(path);
  const header = buf.subarray(0, 64).toString('latin1').match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error(`${path}: not a binary 8-bit PPM`);
  const [all, w, h] = header;
  const width = Number(w), height = Number(h);
  const pixels = buf.subarray(all.length, all.length + width * height * 3);
  if (pixels.length !== width * height * 3) throw new Error(`${path}: truncated`);
  return { width, height, pixels };
}

// FNV-1a 64 of the RGB bytes: the test checks its own decode against it.
function fnv1a64(bytes) {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

const images = names.map((name) => ({ name, ...readPpm(join(ppmDir, `${name}.ppm`)) }));
const tensorOf = (im) => tf.tensor3d(Float32Array.from(im.pixels), [im.height, im.width, 3], 'float32');

if (bench) {
  // Time per 416x416 image: detect() at batch 1, and the forward pass (pre-processing + network)
  // at batch 16, after a warm-up; the photo is repeated to fill the batch. Wall time and this
  // process's CPU time (tfjs's CPU backend is single-threaded JavaScript).
  const t1 = tensorOf(images[0]);
  await net.locateFaces(t1, options);
  const measure = async (fn, images) => {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    await fn();
    const wall = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    return { wall_ms_per_image: +(wall / images).toFixed(1),
      cpu_ms_per_image: +((cpu.user + cpu.system) / 1e3 / images).toFixed(1) };
  };
  const reps = 3;
  const batch1 = await measure(async () => {
    for (let i = 0; i < reps; ++i) await net.locateFaces(t1, options);
  }, reps);
  const batch = Array.from({ length: 16 }, () => t1);
  const batch16 = await measure(async () => {
    const out = await net.forward(batch, INPUT_SIZE);
    await out.data();
    out.dispose();
  }, 16);
  console.log(JSON.stringify({
    face_api: VERSION, tfjs: tf.version_core, backend: tf.getBackend(),
    batch1_detect: batch1, batch16_forward: batch16,
  }));
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
for (const im of images) {
  const input = tensorOf(im);
  const faces = await net.locateFaces(input, options);
  input.dispose();
  const fixture = {
    photo: `${im.name}.jpg`,
    image: { width: im.width, height: im.height, rgb_fnv1a64: fnv1a64(im.pixels) },
    face_api_version: VERSION,
    tfjs_version: tf.version_core,
    backend: tf.getBackend(),
    options: { inputSize: INPUT_SIZE, scoreThreshold: SCORE_THRESHOLD },
    // face-api's order (NMS pick order: descending score); boxes in original-image pixels.
    detections: faces.map((f) => ({
      score: f.score,
      box: { x1: f.box.left, y1: f.box.top, x2: f.box.right, y2: f.box.bottom },
    })),
  };
  writeFileSync(join(outDir, `${im.name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`${im.name}: ${faces.length} faces, scores ${faces.map((f) => f.score.toFixed(3)).join(' ')}`);
}

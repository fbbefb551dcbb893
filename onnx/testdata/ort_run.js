// Runs an ONNX model with ONNX Runtime (onnxruntime-node) on the CPU and
// prints its outputs as JSON, for onnx's interoperability tests.
// Usage: node ort_run.js MODEL.onnx INPUTS.json
// INPUTS.json: {"name": {"dims": [..], "data": [..]}, ...} (float32).
// Output: {"name": {"dims": [..], "data": [..]}, ...}
const ort = require('onnxruntime-node');
const fs = require('fs');
(async () => {
  const [model, inputs] = process.argv.slice(2);
  const feeds = {};
  for (const [name, t] of Object.entries(JSON.parse(fs.readFileSync(inputs, 'utf8')))) {
    feeds[name] = new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
  }
  const sess = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const out = await sess.run(feeds);
  const res = {};
  for (const [name, t] of Object.entries(out)) res[name] = { dims: Array.from(t.dims), data: Array.from(t.data, Number) };
  process.stdout.write(JSON.stringify(res));
})().catch((e) => { console.error(String(e)); process.exit(2); });

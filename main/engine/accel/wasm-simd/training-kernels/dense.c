// y[r, c] = act(y[r, c] + bias[c]) in place: the epilogue of a Dense layer's product
// (_FusedMatMul with a bias and a linear or relu activation). Same float32 operations as the
// shipped Add then Relu kernels: one addition, then max with 0.
EXPORT(bias_activation)
void bias_activation(float* y, const float* bias, int rows, int cols, int has_bias, int relu) {
  const v128_t zero = wasm_f32x4_splat(0);
  for (int r = 0; r < rows; r++) {
    float* o = y + r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      v128_t v = wasm_v128_load(o + c);
      if (has_bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + c));
      if (relu) v = wasm_f32x4_pmax(v, zero);
      wasm_v128_store(o + c, v);
    }
    for (; c < cols; c++) {
      float v = o[c];
      if (has_bias) v = v + bias[c];
      if (relu) v = v < 0 ? 0 : v;
      o[c] = v;
    }
  }
}

// dz = dy · step(y), step(y) = 1 where y > 0 else 0: the relu's backward from its output,
// the same multiply tfjs's gradient does (so 0 · ∞ stays NaN, as there). dz may be dy.
EXPORT(relu_backward)
void relu_backward(const float* dy, const float* y, float* dz, int n) {
  const v128_t zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t mask = wasm_v128_and(wasm_f32x4_gt(wasm_v128_load(y + i), zero), one);
    wasm_v128_store(dz + i, wasm_f32x4_mul(wasm_v128_load(dy + i), mask));
  }
  for (; i < n; i++) dz[i] = dy[i] * (y[i] > 0 ? 1.0f : 0.0f);
}

// out = a + b over n floats (out may be a or b): summing data-parallel gradients.
EXPORT(add_arrays)
void add_arrays(const float* a, const float* b, float* out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < n; i++) out[i] = a[i] + b[i];
}

// The L2 / L2-SP penalty Σ c/2·(w − r)² on n weights: adds its gradient c·(w − r) into g and
// returns Σ c·(w − r)² (the caller halves it). c and r are per weight (r is 0 for plain L2).
EXPORT(penalty_gradient)
float penalty_gradient(float* g, const float* w, const float* ref, const float* coef, int n) {
  v128_t acc = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t d = wasm_f32x4_sub(wasm_v128_load(w + i), wasm_v128_load(ref + i));
    const v128_t cd = wasm_f32x4_mul(wasm_v128_load(coef + i), d);
    wasm_v128_store(g + i, wasm_f32x4_add(wasm_v128_load(g + i), cd));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(cd, d));
  }
  float sum = sum1(acc);
  for (; i < n; i++) {
    const float d = w[i] - ref[i];
    g[i] += coef[i] * d;
    sum += coef[i] * d * d;
  }
  return sum;
}


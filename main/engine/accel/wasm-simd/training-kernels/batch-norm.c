// ---------------------------------------------------------------------------------------------
// Batch normalisation in training mode over a [rows, cols] view of an NHWC activation (rows =
// N·H·W, cols = channels), for main/engine/fused-chain. tfjs-layers computes it as moments
// (Mean, Sub, Square, Mean), then FusedBatchNorm, and differentiates through all of them:
// ~30 kernels per layer, each a pass over the activation. Here: two passes forward (moments,
// then normalise) and two backward (the per-channel sums, then the input gradient).
// Per-channel sums run over blocks of 64 rows into partials, as in sum_leading, bounding error.

// The sum over blocks of rows of f(row, c) for 4 channels c..c+3, into acc (4 floats).
#define CHANNEL_SUM(EXPR_V)                                                  \
  do {                                                                       \
    v128_t total = wasm_f32x4_splat(0);                                      \
    for (int r0 = 0; r0 < rows; r0 += 64) {                                  \
      const int r1 = min_int(rows, r0 + 64);                                 \
      v128_t part = wasm_f32x4_splat(0);                                     \
      for (int r = r0; r < r1; r++) part = wasm_f32x4_add(part, EXPR_V);     \
      total = wasm_f32x4_add(total, part);                                   \
    }                                                                        \
    acc = total;                                                             \
  } while (0)

// mean[c] = Σ_r x[r, c] / rows;  variance[c] = Σ_r (x[r, c] − mean[c])² / rows  (tf.moments).
EXPORT(channel_moments)
void channel_moments(const float* x, float* mean, float* variance, int rows, int cols) {
  int c = 0;
  for (; c + 4 <= cols; c += 4) {
    v128_t acc;
    CHANNEL_SUM(wasm_v128_load(x + r * cols + c));
    const v128_t m = wasm_f32x4_div(acc, wasm_f32x4_splat((float)rows));
    wasm_v128_store(mean + c, m);
    CHANNEL_SUM(({ v128_t d = wasm_f32x4_sub(wasm_v128_load(x + r * cols + c), m); wasm_f32x4_mul(d, d); }));
    wasm_v128_store(variance + c, wasm_f32x4_div(acc, wasm_f32x4_splat((float)rows)));
  }
  for (; c < cols; c++) {
    float sum = 0;
    for (int r = 0; r < rows; r++) sum += x[r * cols + c];
    const float m = sum / (float)rows;
    float sq = 0;
    for (int r = 0; r < rows; r++) {
      const float d = x[r * cols + c] - m;
      sq += d * d;
    }
    mean[c] = m;
    variance[c] = sq / (float)rows;
  }
}

// out = (x − mean)·scale + shift per channel, then max(·, 0) when relu. scale = γ/√(σ² + ε),
// shift = β (the caller folds them per channel).
EXPORT(batch_norm_apply)
void batch_norm_apply(const float* x, const float* mean, const float* scale, const float* shift, float* out, int rows, int cols,
                      int relu) {
  const v128_t zero = wasm_f32x4_splat(0);
  for (int r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* o = out + r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c)), wasm_v128_load(scale + c)),
                                wasm_v128_load(shift + c));
      if (relu) v = wasm_f32x4_pmax(v, zero);
      wasm_v128_store(o + c, v);
    }
    for (; c < cols; c++) {
      float v = (xr[c] - mean[c]) * scale[c] + shift[c];
      o[c] = relu && v < 0 ? 0 : v;
    }
  }
}

// Per channel: sum_dy = Σ dy (β's gradient) and sum_dy_xhat = Σ dy·x̂ with x̂ = (x − mean)·inv_std
// (γ's gradient).
EXPORT(batch_norm_backward_sums)
void batch_norm_backward_sums(const float* dy, const float* x, const float* mean, const float* inv_std, float* sum_dy,
                              float* sum_dy_xhat, int rows, int cols) {
  int c = 0;
  for (; c + 4 <= cols; c += 4) {
    const v128_t m = wasm_v128_load(mean + c), is = wasm_v128_load(inv_std + c);
    v128_t acc;
    CHANNEL_SUM(wasm_v128_load(dy + r * cols + c));
    wasm_v128_store(sum_dy + c, acc);
    CHANNEL_SUM(wasm_f32x4_mul(wasm_v128_load(dy + r * cols + c), wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + r * cols + c), m), is)));
    wasm_v128_store(sum_dy_xhat + c, acc);
  }
  for (; c < cols; c++) {
    float s = 0, t = 0;
    for (int r = 0; r < rows; r++) {
      s += dy[r * cols + c];
      t += dy[r * cols + c] * ((x[r * cols + c] - mean[c]) * inv_std[c]);
    }
    sum_dy[c] = s;
    sum_dy_xhat[c] = t;
  }
}

// dx = k·(rows·dy − sum_dy − x̂·sum_dy_xhat), k = γ·inv_std / rows per channel: the gradient
// through the batch statistics (each input moves the mean and variance of its channel).
EXPORT(batch_norm_backward_input)
void batch_norm_backward_input(const float* dy, const float* x, const float* mean, const float* inv_std, const float* k,
                               const float* sum_dy, const float* sum_dy_xhat, float* dx, int rows, int cols) {
  const v128_t n = wasm_f32x4_splat((float)rows);
  for (int r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    const float* dyr = dy + r * cols;
    float* o = dx + r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      const v128_t xhat = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c)), wasm_v128_load(inv_std + c));
      const v128_t t = wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_mul(n, wasm_v128_load(dyr + c)), wasm_v128_load(sum_dy + c)),
                                      wasm_f32x4_mul(xhat, wasm_v128_load(sum_dy_xhat + c)));
      wasm_v128_store(o + c, wasm_f32x4_mul(wasm_v128_load(k + c), t));
    }
    for (; c < cols; c++) {
      const float xhat = (xr[c] - mean[c]) * inv_std[c];
      o[c] = k[c] * ((float)rows * dyr[c] - sum_dy[c] - xhat * sum_dy_xhat[c]);
    }
  }
}


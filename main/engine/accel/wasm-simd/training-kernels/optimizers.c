// ---------------------------------------------------------------------------------------------
// Fused optimizer updates (main/engine/optimizers): one pass over a variable instead of the
// ~10 tfjs kernels (each with its own output allocation) that tfjs's optimizers issue per
// variable per step. Every expression below repeats tfjs's own sequence of float32 operations,
// operand order included (wasm SIMD has no fused multiply-add, and clang does not reassociate
// without -ffast-math), so results equal the stock optimizers bit for bit. The scalars are
// passed already rounded to float32 exactly as tfjs rounds them (e.g. 1 - beta1 in double,
// then float32).
// Weights are read from w and written to a fresh buffer w_out, never in place: tfjs-backend-
// wasm's XNNPACK matmul and conv operators cache packed copies of their weights keyed by the
// tensor's id, so a weight changed under the same id would be used stale. Optimizer state
// (moments) is only read here and by getWeights, so it is updated in place; the caller
// guarantees no other tensor shares those buffers.

// Adam (tfjs AdamOptimizer.applyGradients):
//   m = m·β1 + g·(1−β1);  v = v·β2 + g²·(1−β2)
//   w = (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε) · (−lr) + w
EXPORT(adam_update)
void adam_update(const float* w, float* w_out, const float* g, float* m, float* v, int n, float beta1, float one_minus_beta1,
                 float beta2, float one_minus_beta2, float one_minus_acc_beta1, float one_minus_acc_beta2,
                 float epsilon, float neg_lr) {
  const v128_t b1 = wasm_f32x4_splat(beta1), c1 = wasm_f32x4_splat(one_minus_beta1);
  const v128_t b2 = wasm_f32x4_splat(beta2), c2 = wasm_f32x4_splat(one_minus_beta2);
  const v128_t a1 = wasm_f32x4_splat(one_minus_acc_beta1), a2 = wasm_f32x4_splat(one_minus_acc_beta2);
  const v128_t eps = wasm_f32x4_splat(epsilon), nlr = wasm_f32x4_splat(neg_lr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), b1), wasm_f32x4_mul(gi, c1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), b2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), c2));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    const v128_t denom = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vi, a2)), eps);
    const v128_t step = wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_div(mi, a1), denom), nlr);
    wasm_v128_store(w_out + i, wasm_f32x4_add(step, wasm_v128_load(w + i)));
  }
  for (; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * beta1 + gi * one_minus_beta1;
    const float vi = v[i] * beta2 + (gi * gi) * one_minus_beta2;
    m[i] = mi;
    v[i] = vi;
    w_out[i] = ((mi / one_minus_acc_beta1) / (__builtin_sqrtf(vi / one_minus_acc_beta2) + epsilon)) * neg_lr + w[i];
  }
}

// Adam for the dense trainer (main/engine/dense-trainer), in one pass over a slice of the
// weights: the gradient is the sum of `parts` threads' gradient buffers (stride floats apart),
// plus the L2 / L2-SP penalty's c·(w − r) when coef is not null (returning Σ c·(w − r)²);
// then m, v and w are updated in place. The bias corrections come as reciprocals,
// inv_bias = 1/(1 − βᵗ), so each element costs one division and one square root instead of
// three and one: this formulation differs from tfjs's in the last bits, which the dense
// trainer's results (summed in another order anyway) already allow.
EXPORT(adam_update_sum)
float adam_update_sum(float* w, const float* g, int stride, int parts, float* m, float* v, int n, float beta1, float one_minus_beta1,
                      float beta2, float one_minus_beta2, float inv_bias1, float inv_bias2, float epsilon, float neg_lr,
                      const float* ref, const float* coef) {
  const v128_t b1 = wasm_f32x4_splat(beta1), c1 = wasm_f32x4_splat(one_minus_beta1);
  const v128_t b2 = wasm_f32x4_splat(beta2), c2 = wasm_f32x4_splat(one_minus_beta2);
  const v128_t i1 = wasm_f32x4_splat(inv_bias1), i2 = wasm_f32x4_splat(inv_bias2);
  const v128_t eps = wasm_f32x4_splat(epsilon), nlr = wasm_f32x4_splat(neg_lr);
  v128_t penalty = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    for (int t = 1; t < parts; t++) gi = wasm_f32x4_add(gi, wasm_v128_load(g + t * stride + i));
    const v128_t wi = wasm_v128_load(w + i);
    if (coef) {
      const v128_t d = wasm_f32x4_sub(wi, wasm_v128_load(ref + i));
      const v128_t cd = wasm_f32x4_mul(wasm_v128_load(coef + i), d);
      gi = wasm_f32x4_add(gi, cd);
      penalty = wasm_f32x4_add(penalty, wasm_f32x4_mul(cd, d));
    }
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), b1), wasm_f32x4_mul(gi, c1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), b2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), c2));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    const v128_t denom = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_mul(vi, i2)), eps);
    wasm_v128_store(w + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_mul(mi, i1), denom), nlr), wi));
  }
  float sum = sum1(penalty);
  for (; i < n; i++) {
    float gi = g[i];
    for (int t = 1; t < parts; t++) gi += g[t * stride + i];
    if (coef) {
      const float d = w[i] - ref[i];
      gi += coef[i] * d;
      sum += coef[i] * d * d;
    }
    const float mi = m[i] * beta1 + gi * one_minus_beta1;
    const float vi = v[i] * beta2 + (gi * gi) * one_minus_beta2;
    m[i] = mi;
    v[i] = vi;
    w[i] = ((mi * inv_bias1) / (__builtin_sqrtf(vi * inv_bias2) + epsilon)) * neg_lr + w[i];
  }
  return sum;
}

// SGD (tfjs SGDOptimizer): w_out = (−lr)·g + w.
EXPORT(sgd_update)
void sgd_update(const float* w, float* w_out, const float* g, int n, float neg_lr) {
  const v128_t nlr = wasm_f32x4_splat(neg_lr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    wasm_v128_store(w_out + i, wasm_f32x4_add(wasm_f32x4_mul(nlr, wasm_v128_load(g + i)), wasm_v128_load(w + i)));
  }
  for (; i < n; i++) w_out[i] = neg_lr * g[i] + w[i];
}

// RMSProp, not centered (tfjs RMSPropOptimizer):
//   ms = ms·ρ + g²·(1−ρ);  mom = mom·μ + (g·lr) / √(ms + ε);  w_out = w − mom
EXPORT(rmsprop_update)
void rmsprop_update(const float* w, float* w_out, const float* g, float* ms, float* mom, int n, float decay, float one_minus_decay,
                    float momentum, float epsilon, float lr) {
  const v128_t d = wasm_f32x4_splat(decay), c = wasm_f32x4_splat(one_minus_decay);
  const v128_t mu = wasm_f32x4_splat(momentum), eps = wasm_f32x4_splat(epsilon), l = wasm_f32x4_splat(lr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t si = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(ms + i), d), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), c));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(gi, l), wasm_f32x4_sqrt(wasm_f32x4_add(si, eps)));
    const v128_t oi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(mom + i), mu), step);
    wasm_v128_store(ms + i, si);
    wasm_v128_store(mom + i, oi);
    wasm_v128_store(w_out + i, wasm_f32x4_sub(wasm_v128_load(w + i), oi));
  }
  for (; i < n; i++) {
    const float gi = g[i];
    const float si = ms[i] * decay + (gi * gi) * one_minus_decay;
    const float oi = mom[i] * momentum + (gi * lr) / __builtin_sqrtf(si + epsilon);
    ms[i] = si;
    mom[i] = oi;
    w_out[i] = w[i] - oi;
  }
}

// Max pooling that also records, per output value, the input index (into x) of the window's
// first (row-major) strict maximum, padding excluded, or -1 for a window with none (all NaN or
// −inf; its output is then NaN). The backward pass (max_pool_scatter) routes each output's
// gradient there: the cpu backend's MaxPoolGrad semantics. The fused chain keeps the indices
// from its forward pass; the MaxPoolGrad kernel recomputes them, passing y = 0 (no outputs
// written). Vectorised over 4 channels.
EXPORT(max_pool_where)
void max_pool_where(const float* x, float* y, int* where_out, int N, int H, int W, int C, int OH, int OW, int FH, int FW, int SH,
                    int SW, int top, int left) {
  const int row = W * C;
  const v128_t lane = wasm_i32x4_make(0, 1, 2, 3);
  for (int b = 0; b < N; b++) {
    const int image = b * H * row;
    for (int oh = 0; oh < OH; oh++) {
      const int r0 = oh * SH - top;
      const int ih0 = max_int(0, r0), ih1 = min_int(H, r0 + FH);
      for (int ow = 0; ow < OW; ow++) {
        const int c0 = ow * SW - left;
        const int iw0 = max_int(0, c0), iw1 = min_int(W, c0 + FW);
        const int out = ((b * OH + oh) * OW + ow) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t where = wasm_i32x4_splat(-1);
          for (int ih = ih0; ih < ih1; ih++) {
            int i = image + ih * row + iw0 * C + c;
            for (int iw = iw0; iw < iw1; iw++, i += C) {
              v128_t v = wasm_v128_load(x + i);
              v128_t gt = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, gt);
              where = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(i), lane), where, gt);
            }
          }
          const v128_t none = wasm_i32x4_eq(where, wasm_i32x4_splat(-1));
          if (y) wasm_v128_store(y + out + c, wasm_v128_bitselect(wasm_f32x4_splat(__builtin_nanf("")), best, none));
          wasm_v128_store(where_out + out + c, where);
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          int where = -1;
          for (int ih = ih0; ih < ih1; ih++) {
            int i = image + ih * row + iw0 * C + c;
            for (int iw = iw0; iw < iw1; iw++, i += C) {
              if (x[i] > best) {
                best = x[i];
                where = i;
              }
            }
          }
          if (y) y[out + c] = where < 0 ? __builtin_nanf("") : best;
          where_out[out + c] = where;
        }
      }
    }
  }
}

// The backward of max_pool_where: dx = 0, then each output's gradient added at its recorded
// input index (none for −1).
EXPORT(max_pool_scatter)
void max_pool_scatter(const float* dy, const int* where, float* dx, int outputs, int inputs) {
  __builtin_memset(dx, 0, (uint32_t)inputs * sizeof(float));
  for (int o = 0; o < outputs; o++) {
    const int i = where[o];
    if (i >= 0) dx[i] += dy[o];
  }
}


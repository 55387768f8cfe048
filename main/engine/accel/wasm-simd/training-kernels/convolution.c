// Adds x_value * dy[p*CO + co .. +32) over the pixels p of one output row into dw[0..32).
// Eight accumulators live in registers across the row, so dw is touched once per row.
#define ROW_BLOCK(WIDTH_VECTORS)                                                                  \
  do {                                                                                            \
    v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0; \
    const float* xp = xrow;                                                                       \
    const float* gp = grow;                                                                       \
    for (int p = 0; p < count; p++, xp += xstep, gp += CO) {                                      \
      v128_t s = wasm_f32x4_splat(*xp);                                                           \
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(s, wasm_v128_load(gp + 0)));                         \
      if (WIDTH_VECTORS > 1) a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(s, wasm_v128_load(gp + 4)));  \
      if (WIDTH_VECTORS > 2) a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(s, wasm_v128_load(gp + 8)));  \
      if (WIDTH_VECTORS > 3) a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(s, wasm_v128_load(gp + 12))); \
      if (WIDTH_VECTORS > 4) a4 = wasm_f32x4_add(a4, wasm_f32x4_mul(s, wasm_v128_load(gp + 16))); \
      if (WIDTH_VECTORS > 5) a5 = wasm_f32x4_add(a5, wasm_f32x4_mul(s, wasm_v128_load(gp + 20))); \
      if (WIDTH_VECTORS > 6) a6 = wasm_f32x4_add(a6, wasm_f32x4_mul(s, wasm_v128_load(gp + 24))); \
      if (WIDTH_VECTORS > 7) a7 = wasm_f32x4_add(a7, wasm_f32x4_mul(s, wasm_v128_load(gp + 28))); \
    }                                                                                             \
    wasm_v128_store(dwp + 0, wasm_f32x4_add(wasm_v128_load(dwp + 0), a0));                        \
    if (WIDTH_VECTORS > 1) wasm_v128_store(dwp + 4, wasm_f32x4_add(wasm_v128_load(dwp + 4), a1));   \
    if (WIDTH_VECTORS > 2) wasm_v128_store(dwp + 8, wasm_f32x4_add(wasm_v128_load(dwp + 8), a2));   \
    if (WIDTH_VECTORS > 3) wasm_v128_store(dwp + 12, wasm_f32x4_add(wasm_v128_load(dwp + 12), a3)); \
    if (WIDTH_VECTORS > 4) wasm_v128_store(dwp + 16, wasm_f32x4_add(wasm_v128_load(dwp + 16), a4)); \
    if (WIDTH_VECTORS > 5) wasm_v128_store(dwp + 20, wasm_f32x4_add(wasm_v128_load(dwp + 20), a5)); \
    if (WIDTH_VECTORS > 6) wasm_v128_store(dwp + 24, wasm_f32x4_add(wasm_v128_load(dwp + 24), a6)); \
    if (WIDTH_VECTORS > 7) wasm_v128_store(dwp + 28, wasm_f32x4_add(wasm_v128_load(dwp + 28), a7)); \
  } while (0)

// Conv2DBackpropFilter, direct (no im2col buffer):
//   dw[kh,kw,ci,co] = sum over b,oh,ow of x[b, oh*SH+kh-top, ow*SW+kw-left, ci] * dy[b,oh,ow,co]
// For each output row, every filter tap (kh,kw,ci) adds a row-long dot product per block of
// output channels; the row of dy (OW*CO floats) stays in L1 across all taps. dw is float32,
// receiving one partial sum per output row (OW terms), which keeps rounding error small.
EXPORT(conv2d_backprop_filter)
void conv2d_backprop_filter(const float* x, const float* dy, float* dw, int N, int H, int W, int CI, int OH, int OW,
                            int CO, int KH, int KW, int SH, int SW, int top, int left) {
  __builtin_memset(dw, 0, (uint32_t)KH * KW * CI * CO * sizeof(float));
  const int xstep = SW * CI;
  for (int b = 0; b < N; b++) {
    for (int oh = 0; oh < OH; oh++) {
      const float* dyrow = dy + (b * OH + oh) * OW * CO;
      for (int kh = 0; kh < KH; kh++) {
        const int ih = oh * SH + kh - top;
        if (ih < 0 || ih >= H) continue;
        const float* ximage_row = x + (b * H + ih) * W * CI;
        for (int kw = 0; kw < KW; kw++) {
          const int ow0 = first_inside(kw, left, SW);
          const int ow1 = end_inside(kw, left, SW, W, OW);
          const int count = ow1 - ow0;
          if (count <= 0) continue;
          for (int ci = 0; ci < CI; ci++) {
            const float* xrow = ximage_row + (ow0 * SW + kw - left) * CI + ci;
            float* dwk = dw + ((kh * KW + kw) * CI + ci) * CO;
            int co = 0;
            for (; co + 32 <= CO; co += 32) {
              const float* grow = dyrow + ow0 * CO + co;
              float* dwp = dwk + co;
              ROW_BLOCK(8);
            }
            // Narrower blocks still keep several accumulators in flight: one vector alone is a
            // chain of dependent additions (16 channels took twice as long as 32 per value).
            for (; co + 16 <= CO; co += 16) {
              const float* grow = dyrow + ow0 * CO + co;
              float* dwp = dwk + co;
              ROW_BLOCK(4);
            }
            for (; co + 8 <= CO; co += 8) {
              const float* grow = dyrow + ow0 * CO + co;
              float* dwp = dwk + co;
              ROW_BLOCK(2);
            }
            for (; co + 4 <= CO; co += 4) {
              const float* grow = dyrow + ow0 * CO + co;
              float* dwp = dwk + co;
              ROW_BLOCK(1);
            }
            for (; co < CO; co++) {
              float s = 0;
              const float* xp = xrow;
              const float* gp = dyrow + ow0 * CO + co;
              for (int p = 0; p < count; p++, xp += xstep, gp += CO) s += *xp * *gp;
              dwk[co] += s;
            }
          }
        }
      }
    }
  }
}


// Training kernels for the wasm backend, in C compiled to WebAssembly SIMD (128-bit).
// Built by scripts/build-wasm-kernels.sh into training-kernels-binary.ts (the .wasm as base64).
//
// The module imports tfjs-backend-wasm's own WebAssembly.Memory, so every pointer below is a
// byte offset of a tensor on the tfjs heap: no copies in or out. That is only safe because
// this code keeps no state in linear memory: no globals, no static data, no arrays or
// address-taken locals (which would live on a shadow stack at a low address that belongs to
// tfjs). scripts/build-wasm-kernels.sh checks the compiled code never touches
// __stack_pointer and that the module has no data segment.
//
// Layouts are NHWC (tfjs's channelsLast); filters are [KH, KW, CI, CO].
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

static inline int max_int(int a, int b) { return a > b ? a : b; }
static inline int min_int(int a, int b) { return a < b ? a : b; }

// First output index o with o*stride + k - pad >= 0, and the end (exclusive) with it < size.
static inline int first_inside(int k, int pad, int stride) {
  int d = pad - k;
  return d <= 0 ? 0 : (d + stride - 1) / stride;
}
static inline int end_inside(int k, int pad, int stride, int size, int out_size) {
  int e = size - 1 + pad - k;
  if (e < 0) return 0;
  return min_int(out_size, e / stride + 1);
}

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

// Sum over the leading axis of a [rows, cols] matrix: out[c] = sum_r x[r, c]. This is the
// bias gradient of every Dense and Conv2D layer (reduce over batch and pixels); the shipped
// Sum transposes the whole tensor first to make those axes innermost.
// Rows are summed in blocks of 64 into a partial before joining the total, bounding error.
EXPORT(sum_leading)
void sum_leading(const float* x, float* out, int rows, int cols) {
  __builtin_memset(out, 0, (uint32_t)cols * sizeof(float));
  for (int r0 = 0; r0 < rows; r0 += 64) {
    const int r1 = min_int(rows, r0 + 64);
    int c = 0;
    for (; c + 16 <= cols; c += 16) {
      v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
      const float* p = x + r0 * cols + c;
      for (int r = r0; r < r1; r++, p += cols) {
        s0 = wasm_f32x4_add(s0, wasm_v128_load(p));
        s1 = wasm_f32x4_add(s1, wasm_v128_load(p + 4));
        s2 = wasm_f32x4_add(s2, wasm_v128_load(p + 8));
        s3 = wasm_f32x4_add(s3, wasm_v128_load(p + 12));
      }
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), s0));
      wasm_v128_store(out + c + 4, wasm_f32x4_add(wasm_v128_load(out + c + 4), s1));
      wasm_v128_store(out + c + 8, wasm_f32x4_add(wasm_v128_load(out + c + 8), s2));
      wasm_v128_store(out + c + 12, wasm_f32x4_add(wasm_v128_load(out + c + 12), s3));
    }
    for (; c + 4 <= cols; c += 4) {
      v128_t s0 = wasm_f32x4_splat(0);
      const float* p = x + r0 * cols + c;
      for (int r = r0; r < r1; r++, p += cols) s0 = wasm_f32x4_add(s0, wasm_v128_load(p));
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), s0));
    }
    for (; c < cols; c++) {
      float s = 0;
      const float* p = x + r0 * cols + c;
      for (int r = r0; r < r1; r++, p += cols) s += *p;
      out[c] += s;
    }
  }
}

// out[r, c] = big[r, c] (op) row[c], or row[c] (op) big[r, c] when row_first: the broadcast of
// a per-channel vector over an activation (batch-norm forward and backward, bias adds). The
// shipped binary kernels compute a broadcast source index per element.
// op: 0 add, 1 subtract, 2 multiply, 3 divide.
#define BROADCAST_LOOP(EXPR_V, EXPR_S)                                     \
  for (int r = 0; r < rows; r++) {                                         \
    const float* a = big + r * cols;                                       \
    float* o = out + r * cols;                                             \
    int c = 0;                                                             \
    for (; c + 4 <= cols; c += 4) {                                        \
      v128_t x = wasm_v128_load(a + c), y = wasm_v128_load(row + c);       \
      wasm_v128_store(o + c, EXPR_V);                                      \
    }                                                                      \
    for (; c < cols; c++) {                                                \
      float x = a[c], y = row[c];                                          \
      o[c] = EXPR_S;                                                       \
    }                                                                      \
  }

EXPORT(broadcast_rows)
void broadcast_rows(int op, const float* big, const float* row, float* out, int rows, int cols, int row_first) {
  if (op == 0) {
    BROADCAST_LOOP(wasm_f32x4_add(x, y), x + y)
  } else if (op == 2) {
    BROADCAST_LOOP(wasm_f32x4_mul(x, y), x * y)
  } else if (op == 1 && !row_first) {
    BROADCAST_LOOP(wasm_f32x4_sub(x, y), x - y)
  } else if (op == 1) {
    BROADCAST_LOOP(wasm_f32x4_sub(y, x), y - x)
  } else if (op == 3 && !row_first) {
    BROADCAST_LOOP(wasm_f32x4_div(x, y), x / y)
  } else if (op == 3) {
    BROADCAST_LOOP(wasm_f32x4_div(y, x), y / x)
  }
}

// ---------------------------------------------------------------------------------------------
// Matrix products C = op(A)·op(B) for BatchMatMul, with the transposes read in place.
// tfjs-backend-wasm 4.22's kernel is ~10x slower once transposeA or transposeB is set, and a
// Dense layer's backward pass asks for exactly those two products every step:
//   dW = xᵀ·dy  (transposeA)  and  dx = dy·Wᵀ  (transposeB).
// C is [M, N] row-major per batch entry; batch strides of 0 broadcast an operand.

// K is walked in blocks so the slice of B one register block rereads stays in L1.
#define MATMUL_K_BLOCK 256

// Row-major B (no transposeB): rows of C are built 4 at a time from splats of A times vectors
// of B's rows, 8 columns (2 vectors) per block, accumulators held in registers across the K
// block. A is addressed through strides (a_rs between rows of op(A), a_ks between its columns),
// which covers both A and Aᵀ without copying. R (rows: 1 or 4) and V (vectors: 1 or 2) are
// compile-time constants at each use, so the unused accumulators vanish.
#define NN_BLOCK(R, V)                                                                        \
  do {                                                                                        \
    v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;  \
    v128_t c30 = c00, c31 = c00;                                                              \
    const float* ap = a + m * a_rs + k0 * a_ks;                                               \
    const float* bp = b + k0 * N + n;                                                         \
    for (int k = k0; k < k1; k++, ap += a_ks, bp += N) {                                      \
      v128_t b0 = wasm_v128_load(bp), b1 = b0;                                                \
      if (V > 1) b1 = wasm_v128_load(bp + 4);                                                 \
      v128_t s0 = wasm_v128_load32_splat(ap);                                                 \
      c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(s0, b0));                                      \
      if (V > 1) c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(s0, b1));                           \
      if (R > 1) {                                                                            \
        v128_t s1 = wasm_v128_load32_splat(ap + a_rs);                                        \
        v128_t s2 = wasm_v128_load32_splat(ap + 2 * a_rs);                                    \
        v128_t s3 = wasm_v128_load32_splat(ap + 3 * a_rs);                                    \
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(s1, b0));                                    \
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(s2, b0));                                    \
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(s3, b0));                                    \
        if (V > 1) {                                                                          \
          c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(s1, b1));                                  \
          c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(s2, b1));                                  \
          c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(s3, b1));                                  \
        }                                                                                     \
      }                                                                                       \
    }                                                                                         \
    float* cp = c + m * N + n;                                                                \
    wasm_v128_store(cp, wasm_f32x4_add(wasm_v128_load(cp), c00));                             \
    if (V > 1) wasm_v128_store(cp + 4, wasm_f32x4_add(wasm_v128_load(cp + 4), c01));          \
    if (R > 1) {                                                                              \
      wasm_v128_store(cp + N, wasm_f32x4_add(wasm_v128_load(cp + N), c10));                   \
      wasm_v128_store(cp + 2 * N, wasm_f32x4_add(wasm_v128_load(cp + 2 * N), c20));           \
      wasm_v128_store(cp + 3 * N, wasm_f32x4_add(wasm_v128_load(cp + 3 * N), c30));           \
      if (V > 1) {                                                                            \
        wasm_v128_store(cp + N + 4, wasm_f32x4_add(wasm_v128_load(cp + N + 4), c11));         \
        wasm_v128_store(cp + 2 * N + 4, wasm_f32x4_add(wasm_v128_load(cp + 2 * N + 4), c21)); \
        wasm_v128_store(cp + 3 * N + 4, wasm_f32x4_add(wasm_v128_load(cp + 3 * N + 4), c31)); \
      }                                                                                       \
    }                                                                                         \
  } while (0)

// One K block of C += op(A)·B for row-major B [K, N].
static void matmul_rowmajor_b(const float* a, const float* b, float* c, int M, int N, int k0, int k1, int a_rs,
                              int a_ks) {
  int n = 0;
  for (; n + 8 <= N; n += 8) {
    int m = 0;
    for (; m + 4 <= M; m += 4) NN_BLOCK(4, 2);
    for (; m < M; m++) NN_BLOCK(1, 2);
  }
  for (; n + 4 <= N; n += 4) {
    int m = 0;
    for (; m + 4 <= M; m += 4) NN_BLOCK(4, 1);
    for (; m < M; m++) NN_BLOCK(1, 1);
  }
  for (; n < N; n++) {
    for (int m = 0; m < M; m++) {
      float s = 0;
      const float* ap = a + m * a_rs + k0 * a_ks;
      const float* bp = b + k0 * N + n;
      for (int k = k0; k < k1; k++, ap += a_ks, bp += N) s += *ap * *bp;
      c[m * N + n] += s;
    }
  }
}

// [sum(x0), sum(x1), sum(x2), sum(x3)]: four horizontal sums in one vector.
static inline v128_t sum4(v128_t x0, v128_t x1, v128_t x2, v128_t x3) {
  v128_t t0 = wasm_f32x4_add(wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7));
  v128_t t1 = wasm_f32x4_add(wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5), wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5), wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
}

static inline float sum1(v128_t x) {
  return wasm_f32x4_extract_lane(x, 0) + wasm_f32x4_extract_lane(x, 1) + wasm_f32x4_extract_lane(x, 2) +
         wasm_f32x4_extract_lane(x, 3);
}

// One K block of C += A·Bᵀ for row-major A [M, K] and B [N, K]: every output is a dot product
// of two contiguous rows, vectorised along K; 2 rows of A × 4 rows of B per register block
// (each vector of B loaded feeds two products).
// Columns of C (rows of B) are the outer loop so the 4 rows of B stay in L1 across all of M.
static void matmul_transposed_b(const float* a, const float* b, float* c, int M, int N, int K, int k0, int k1) {
  const int kv = k0 + ((k1 - k0) & ~3);
  int n = 0;
  for (; n + 4 <= N; n += 4) {
    const float* b0 = b + n * K;
    const float* b1 = b0 + K;
    const float* b2 = b1 + K;
    const float* b3 = b2 + K;
    int m = 0;
    // Two rows of A at a time: each load of B feeds two products (8 accumulators).
    for (; m + 2 <= M; m += 2) {
      const float* a0 = a + m * K;
      const float* a1 = a0 + K;
      v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0, u0 = s0, u1 = s0, u2 = s0, u3 = s0;
      for (int k = k0; k < kv; k += 4) {
        v128_t x = wasm_v128_load(a0 + k), y = wasm_v128_load(a1 + k);
        v128_t c0 = wasm_v128_load(b0 + k), c1 = wasm_v128_load(b1 + k);
        v128_t c2 = wasm_v128_load(b2 + k), c3 = wasm_v128_load(b3 + k);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(x, c0));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(x, c1));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(x, c2));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(x, c3));
        u0 = wasm_f32x4_add(u0, wasm_f32x4_mul(y, c0));
        u1 = wasm_f32x4_add(u1, wasm_f32x4_mul(y, c1));
        u2 = wasm_f32x4_add(u2, wasm_f32x4_mul(y, c2));
        u3 = wasm_f32x4_add(u3, wasm_f32x4_mul(y, c3));
      }
      v128_t sums0 = sum4(s0, s1, s2, s3), sums1 = sum4(u0, u1, u2, u3);
      float t0 = 0, t1 = 0, t2 = 0, t3 = 0, r0 = 0, r1 = 0, r2 = 0, r3 = 0;
      for (int k = kv; k < k1; k++) {
        t0 += a0[k] * b0[k];
        t1 += a0[k] * b1[k];
        t2 += a0[k] * b2[k];
        t3 += a0[k] * b3[k];
        r0 += a1[k] * b0[k];
        r1 += a1[k] * b1[k];
        r2 += a1[k] * b2[k];
        r3 += a1[k] * b3[k];
      }
      sums0 = wasm_f32x4_add(sums0, wasm_f32x4_make(t0, t1, t2, t3));
      sums1 = wasm_f32x4_add(sums1, wasm_f32x4_make(r0, r1, r2, r3));
      float* cp = c + m * N + n;
      wasm_v128_store(cp, wasm_f32x4_add(wasm_v128_load(cp), sums0));
      wasm_v128_store(cp + N, wasm_f32x4_add(wasm_v128_load(cp + N), sums1));
    }
    for (; m < M; m++) {
      const float* a0 = a + m * K;
      v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (int k = k0; k < kv; k += 4) {
        v128_t x = wasm_v128_load(a0 + k);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(x, wasm_v128_load(b0 + k)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(x, wasm_v128_load(b1 + k)));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(x, wasm_v128_load(b2 + k)));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(x, wasm_v128_load(b3 + k)));
      }
      v128_t sums = sum4(s0, s1, s2, s3);
      float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (int k = kv; k < k1; k++) {
        t0 += a0[k] * b0[k];
        t1 += a0[k] * b1[k];
        t2 += a0[k] * b2[k];
        t3 += a0[k] * b3[k];
      }
      sums = wasm_f32x4_add(sums, wasm_f32x4_make(t0, t1, t2, t3));
      float* cp = c + m * N + n;
      wasm_v128_store(cp, wasm_f32x4_add(wasm_v128_load(cp), sums));
    }
  }
  for (; n < N; n++) {
    const float* b0 = b + n * K;
    for (int m = 0; m < M; m++) {
      const float* a0 = a + m * K;
      v128_t s0 = wasm_f32x4_splat(0);
      for (int k = k0; k < kv; k += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a0 + k), wasm_v128_load(b0 + k)));
      float t = sum1(s0);
      for (int k = kv; k < k1; k++) t += a0[k] * b0[k];
      c[m * N + n] += t;
    }
  }
}

// C[batch] = op(A[batch])·op(B[batch]) for float32 row-major matrices: op(A) is [M, K], op(B)
// is [K, N], C is [M, N]. a_batch / b_batch are element strides between batch entries (0 to
// broadcast one matrix). transpose_a reads A stored as [K, M]; transpose_b reads B stored as
// [N, K]. Both transposes at once are not handled here (the caller transposes one first).
EXPORT(matmul)
void matmul(const float* a, const float* b, float* c, int batch, int a_batch, int b_batch, int M, int N, int K,
            int transpose_a, int transpose_b) {
  __builtin_memset(c, 0, (uint32_t)batch * M * N * sizeof(float));
  for (int i = 0; i < batch; i++) {
    const float* ai = a + i * a_batch;
    const float* bi = b + i * b_batch;
    float* ci = c + i * M * N;
    for (int k0 = 0; k0 < K; k0 += MATMUL_K_BLOCK) {
      const int k1 = min_int(K, k0 + MATMUL_K_BLOCK);
      if (transpose_b) matmul_transposed_b(ai, bi, ci, M, N, K, k0, k1);
      else if (transpose_a) matmul_rowmajor_b(ai, bi, ci, M, N, k0, k1, 1, M);
      else matmul_rowmajor_b(ai, bi, ci, M, N, k0, k1, K, 1);
    }
  }
}

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

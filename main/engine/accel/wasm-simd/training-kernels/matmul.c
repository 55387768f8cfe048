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


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


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


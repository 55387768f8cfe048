#!/usr/bin/env bash
# The one command a lent GPU machine runs (docs/device-benchmarks.md):
#   bash scripts/device/run.sh [--quick]
# It needs no Node, npm or network there: it unpacks .device-pack/ (Node 22 and the bundled
# benches, made here by scripts/device/pack.mjs), sets up Vulkan (the loader from .gl/*.deb,
# NVIDIA's ICD as fallback), then runs the gpu bench (WebGPU vs the CPU engine vs PyTorch
# CUDA) and the CPU thread-scaling bench (engine vs PyTorch at 1–16 threads), each under its
# own timeout, with logs and JSON in $OUT. --quick: tiny sample counts (the local proof run).
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pack="${TRANSFER_LAB_DEVICE_PACK:-$root/.device-pack}"
out="${OUT:?OUT must name the folder the results go to}"
work="${TMPDIR:-/tmp}/transfer-lab-device"
mkdir -p "$out"

if [ "${1:-}" = "--quick" ]; then
  gpu_args=(--models seed-cnn,mobilenet --batches 64 --samples 128 --epochs 2)
  scaling_args=(--models seed-cnn,mlp --threads 1,2 --samples-scale 0.0625 --epochs 2 --rounds 1)
  gpu_limit=240 scaling_limit=240
else
  # Sized for 16 cores and one GPU from timings on 2 cores: about 3 + 2 minutes expected,
  # 8 at most with the set-up (timeout_s 560 leaves a margin).
  # The goals' rows first (small-cnn at 256, MobileNet), so a time limit cuts the least wanted.
  gpu_args=(--models small-cnn,mobilenet,seed-cnn --batches 256,64 --samples 4096 --epochs 3)
  scaling_args=(--threads 1,2,4,8,16 --samples-scale 1 --epochs 3 --rounds 1)
  gpu_limit=270 scaling_limit=210
fi
# Shorter limits to try the stop path (TRANSFER_LAB_GPU_LIMIT=30 …); the defaults above otherwise.
gpu_limit="${TRANSFER_LAB_GPU_LIMIT:-$gpu_limit}" scaling_limit="${TRANSFER_LAB_SCALING_LIMIT:-$scaling_limit}"

say() { printf '\n== %s (%s) ==\n' "$1" "$(date -u +%H:%M:%S)"; }

# xz -dc, or Python's lzma where the image has no xz.
unxz_to() {
  if command -v xz >/dev/null && [ -z "${TRANSFER_LAB_NO_XZ:-}" ]; then
    xz -dc "$1" >"$2"
  else
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}

unpack() {
  say "unpack $pack"
  [ -f "$pack/node.xz" ] && [ -f "$pack/app.tar.xz" ] || { echo "no pack at $pack: run node scripts/device/pack.mjs first"; return 1; }
  head -n 2 "$pack/MANIFEST.txt"
  rm -rf "$work" && mkdir -p "$work/bin" || return 1
  unxz_to "$pack/node.xz" "$work/bin/node" && chmod +x "$work/bin/node" || return 1
  unxz_to "$pack/app.tar.xz" "$work/app.tar" && tar -xf "$work/app.tar" -C "$work" && rm "$work/app.tar" || return 1
  export PATH="$work/bin:$PATH"
  echo "node $(node --version) from the pack; app in $work/app"
}

# The Vulkan loader (from .gl/ when the image has none), then an adapter; NVIDIA's ICD by path
# if the loader finds no driver by itself.
setup_vulkan() {
  say "Vulkan"
  local ldconfig nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  ldconfig="$(command -v ldconfig || echo /sbin/ldconfig)"
  if ! "$ldconfig" -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
    if ls "$root"/.gl/*.deb >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      echo "no libvulkan.so.1: unpacking $(ls "$root"/.gl/*.deb | wc -l) debs from .gl/"
      for f in "$root"/.gl/*.deb; do dpkg -x "$f" /; done
      "$ldconfig"
    else
      echo "no libvulkan.so.1 and no .gl/*.deb to unpack (or not root): WebGPU will find no adapter"
    fi
  fi
  "$ldconfig" -p 2>/dev/null | grep 'libvulkan\.so\.1' | head -n 1
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg-runtime-$(id -u)}"
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  probe
  local found=$?
  [ "$found" = 0 ] && return
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nvidia_icd" ]; then
    echo "retrying with VK_DRIVER_FILES=$nvidia_icd"
    export VK_DRIVER_FILES="$nvidia_icd" __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
    probe && return
    [ "$found" = 2 ] && unset VK_DRIVER_FILES __EGL_VENDOR_LIBRARY_FILENAMES
  fi
  if [ "$found" = 2 ]; then
    echo "ONLY A SOFTWARE WebGPU ADAPTER: the webgpu rows will measure a CPU rasteriser, not a GPU"
  else
    echo "NO WebGPU ADAPTER (see above): every webgpu row will fail, saying why; the CPU rows still run"
  fi
}

machine() {
  say "machine"
  {
    date -u
    uname -a
    grep -m1 'model name' /proc/cpuinfo
    echo "cores: $(nproc)"
    grep -E '^(PRETTY_NAME)=' /etc/os-release
    command -v nvidia-smi >/dev/null && nvidia-smi || echo "nvidia-smi: not found"
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available() and torch.cuda.get_device_name(0), "threads", torch.get_num_threads())' 2>&1 | tail -n 1
  } 2>&1 | tee "$out/env.txt"
}

probe() { (cd "$work/app" && timeout -k 5 40 node probe-adapter.mjs); }

# One bench under its own timeout; its whole output in $out/<name>.log, the end of it here.
bench() {
  local name="$1" limit="$2" suite="$3"
  shift 3
  say "$name: node dist/bench/$suite.js $* (limit ${limit}s)"
  (cd "$work/app" && timeout -k 15 "$limit" node "dist/bench/$suite.js" "$@" --out "$out/$name.json") >"$out/$name.log" 2>&1
  local rc=$?
  [ "$rc" = 124 ] && echo "$name: stopped at its ${limit}s limit; the rows it finished are in $name.log and, saved as they finish, $name.json"
  [ "$rc" != 0 ] && [ "$rc" != 124 ] && echo "$name: failed (exit code $rc)"
  tail -n 30 "$out/$name.log"
}

main() {
  local started=$SECONDS
  unpack || { echo "cannot unpack the pack: nothing run"; return 1; }
  machine
  setup_vulkan
  bench gpu "$gpu_limit" gpu "${gpu_args[@]}"
  bench scaling "$scaling_limit" training "${scaling_args[@]}"
  say "done in $((SECONDS - started)) s; files in $out: $(ls "$out" | tr '\n' ' ')"
}

main 2>&1 | tee "$out/run.log"

#!/usr/bin/env bash
# Compiles the FAISS shim into a shared library inside the build output (called by Maven, never by hand).
# Links Debian's static, position-independent libfaiss.a whole, so every index type read_index may meet
# is present, and the system BLAS/LAPACK (OpenBLAS when libopenblas-dev is installed).
set -euo pipefail
src_dir=$(cd "$(dirname "$0")" && pwd)
out_dir=$1
out="$out_dir/libfaiss_shim.so"
libfaiss=${FAISS_STATIC_LIB:-$(ls /usr/lib/*/libfaiss.a /usr/lib/libfaiss.a /usr/local/lib/libfaiss.a 2>/dev/null | head -n 1 || true)}
if [[ -z "$libfaiss" || ! -f /usr/include/faiss/index_factory.h && ! -f /usr/local/include/faiss/index_factory.h ]]; then
  echo "faiss-native: FAISS headers or static library not found; install them with: sudo apt-get install libfaiss-dev libopenblas-dev g++  (or run: make deps)" >&2
  exit 1
fi
mkdir -p "$out_dir"
if [[ -f "$out" && "$out" -nt "$src_dir/faiss_shim.cpp" && "$out" -nt "$libfaiss" && "$out" -nt "$0" ]]; then
  exit 0  # up to date
fi
${CXX:-g++} -O3 -std=c++17 -shared -fPIC -fopenmp -Wall \
  "$src_dir/faiss_shim.cpp" \
  -Wl,--whole-archive "$libfaiss" -Wl,--no-whole-archive \
  -lblas -llapack -ldl -Wl,--no-undefined \
  -o "$out.tmp"
mv -f "$out.tmp" "$out"
echo "faiss-native: built $out against $libfaiss"

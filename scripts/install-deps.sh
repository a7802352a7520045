#!/usr/bin/env bash
# Installs the Debian packages faiss-rebuild needs when they are missing (as root or with sudo);
# otherwise prints the command to run. Also checks for a JDK 25 and Maven.
set -euo pipefail
packages=(libfaiss-dev libopenblas-dev g++ make python3-faiss python3-numpy python3-confluent-kafka python3-boto3 prometheus prometheus-alertmanager systemd docker-compose curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v mvn >/dev/null || missing+=(maven)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing missing packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"
  else
    echo "faiss-rebuild: missing Debian packages: ${missing[*]}" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  # promtool and amtool (tests of the alert rules and of deploy/) come with these packages; their daemons
  # are not needed. $2: the daemon's process name as the kernel keeps it (15 characters at most).
  stop_daemon() {
    if printf "%s\n" "${missing[@]}" | grep -qx "$1"; then $sudo systemctl disable --now "$1" >/dev/null 2>&1 || $sudo pkill -x "$2" || true; fi
  }
  stop_daemon prometheus prometheus
  stop_daemon prometheus-alertmanager prometheus-aler
  # prometheus recommends node_exporter, which listens on 9100, our default metrics port
  if printf "%s\n" "${missing[@]}" | grep -qx prometheus; then
    $sudo systemctl disable --now prometheus-node-exporter >/dev/null 2>&1 || $sudo pkill -x prometheus-node || true
  fi
fi

# OpenBLAS must be the BLAS behind libblas.so.3 (the reference BLAS made flat search 20x slower).
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
case "$blas" in
  *openblas*) ;;
  *) echo "faiss-rebuild: libblas.so.3 is $blas, not OpenBLAS; run: sudo update-alternatives --config libblas.so.3-x86_64-linux-gnu" >&2; exit 1;;
esac

source "$(dirname "$0")/env.sh"
echo "dependencies ok: JDK $JAVA_HOME, $(mvn -v 2>/dev/null | head -n 1), BLAS $blas"

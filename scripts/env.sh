# Sourced by every script: finds a JDK 25 and sets what every process running FAISS needs.
#   JAVA_HOME (if it is a JDK >= 25) wins; else the newest JDK >= 25 under /usr/lib/jvm.

java_major() {  # prints the major version of the JDK in $1: from its release file (no JVM started), else from java itself
  local v=""
  [ -r "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1)
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1)
  fi
  echo "$v"
}

find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    local v; v=$(java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$JAVA_HOME"; return 0; fi
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/ /opt/java/*/ /opt/jdk*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  [ -n "$best" ] && echo "$best"
}

FR_JAVA_HOME=$(find_jdk25)
if [ -z "$FR_JAVA_HOME" ]; then
  echo "faiss-rebuild needs a JDK 25 or newer (the Foreign Function & Memory API). None found in JAVA_HOME (${JAVA_HOME:-unset}) or /usr/lib/jvm." >&2
  echo "Install one (e.g. Temurin 25: apt-get install temurin-25-jdk) or set JAVA_HOME to it." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME=$FR_JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# FAISS parallelises with OpenMP; OpenBLAS's own threads on top made IVF-PQ training 2x slower here.
export OPENBLAS_NUM_THREADS=1

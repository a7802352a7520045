#!/usr/bin/env bash
# JDK 25's ahead-of-time cache for the CLI (JEP 483, made in one step as JEP 514 allows): the classes a
# command needs are loaded and linked once, at build time, from a `--help` run, and mapped at every start
# after. bin/faiss-rebuild uses it when it is there; a cache that no longer matches the jar (rebuilt by
# mvn alone) is ignored by the JVM, silently (its logging is off), and the command starts as without one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/env.sh"
jar="$root/cli/target/faiss-rebuild.jar"
aot="$root/cli/target/faiss-rebuild.aot"
rm -f "$aot"
# the launcher's own flags: a cache is used only by a JVM started with the options it was made with
if ! "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:AOTCacheOutput="$aot" \
    -jar "$jar" --help >/dev/null 2>"$root/cli/target/aot-cache.log"; then
  echo "aot-cache: no AOT cache made (see cli/target/aot-cache.log); commands start without one" >&2
  rm -f "$aot"
fi

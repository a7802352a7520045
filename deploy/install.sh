#!/usr/bin/env bash
# Installs faiss-rebuild as a service: the program under PREFIX, the config, the data and log
# directories, the systemd units, and (when installing into the running system as root) the
# faiss-rebuild user. After `make build`:
#   sudo deploy/install.sh                     into this machine, then: systemctl enable --now faiss-rebuild
#   deploy/install.sh --root /tmp/scratch      into a scratch root (what the tests do); no user is created there
#   options: --root DIR (default /), --prefix DIR (default /opt/faiss-rebuild), --user NAME (default faiss-rebuild)
# An existing /etc/faiss-rebuild/config.json is never overwritten.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
root=/ prefix=/opt/faiss-rebuild user=faiss-rebuild
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    *) echo "install.sh: unknown option $1; expected --root DIR, --prefix DIR, --user NAME" >&2; exit 2 ;;
  esac
done
jar="$src/cli/target/faiss-rebuild.jar"
[ -f "$jar" ] || { echo "install.sh: $jar is not built yet; run: make build" >&2; exit 1; }
r=${root%/}
umask 027

# the program: bin/, the jar and its libraries, the JDK finder, the README the units point to
install -d -m 755 "$r$prefix" "$r$prefix/bin" "$r$prefix/scripts" "$r$prefix/cli/target/lib"
install -m 755 "$src/bin/faiss-rebuild" "$src/bin/faiss-rebuild-worker" "$r$prefix/bin/"
install -m 644 "$src/scripts/env.sh" "$r$prefix/scripts/"
install -m 644 "$jar" "$r$prefix/cli/target/"
install -m 644 "$src"/cli/target/lib/*.jar "$r$prefix/cli/target/lib/"
install -m 644 "$src/README.md" "$r$prefix/"

# config (640: it may hold webhook URLs and SMTP credentials), never overwritten
install -d -m 750 "$r/etc/faiss-rebuild"
if [ ! -f "$r/etc/faiss-rebuild/config.json" ]; then
  install -m 640 "$src/deploy/config.json" "$r/etc/faiss-rebuild/config.json"
else
  echo "kept the existing $r/etc/faiss-rebuild/config.json"
fi
[ -f "$r/etc/faiss-rebuild/worker.env" ] || printf 'FAISS_REBUILD_BOOTSTRAP_SERVERS=localhost:9092\n' | install -m 640 /dev/stdin "$r/etc/faiss-rebuild/worker.env"

# data and logs (750), and the units, with the prefix they run from
install -d -m 750 "$r/var/lib/faiss-rebuild" "$r/var/lib/faiss-rebuild/embeddings" "$r/var/log/faiss-rebuild"
install -d -m 755 "$r/etc/systemd/system"
for unit in faiss-rebuild.service faiss-rebuild-worker@.service faiss-rebuild-follow.service; do
  sed "s#/opt/faiss-rebuild#$prefix#g" "$src/deploy/systemd/$unit" | install -m 644 /dev/stdin "$r/etc/systemd/system/$unit"
done

# the service user, only into the running system: a scratch root has no user database of its own
if [ "$r" = "" ] && [ "$(id -u)" = 0 ]; then
  getent group "$user" >/dev/null || groupadd --system "$user"
  getent passwd "$user" >/dev/null || useradd --system --gid "$user" --home-dir /var/lib/faiss-rebuild --shell /usr/sbin/nologin "$user"
  chown -R "$user:$user" /var/lib/faiss-rebuild /var/log/faiss-rebuild
  chgrp "$user" /etc/faiss-rebuild /etc/faiss-rebuild/config.json /etc/faiss-rebuild/worker.env
  systemctl daemon-reload 2>/dev/null || true
fi
echo "installed faiss-rebuild into ${root} (program: $prefix); start with: systemctl enable --now faiss-rebuild"

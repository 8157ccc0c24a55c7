#!/usr/bin/env bash
# Builds the Debian package: recallfs_<version>_amd64.deb, with the release binary (the Swift runtime
# linked in statically, so the machine needs no Swift), the fstab helper, the systemd user unit, the
# stale-mount cleanup script, the man page and the shell completions, the last two generated from the
# argument parser's own definitions.
#   scripts/package-deb.sh [OUTPUT_DIR]      (default: the repository root)
# Install with `sudo dpkg -i recallfs_*.deb` (or `apt install ./recallfs_*.deb` for the dependencies);
# remove with `sudo dpkg -r recallfs`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT}" && cd "${1:-$ROOT}" && pwd)"
cd "$ROOT"
command -v dpkg-deb > /dev/null || { echo "package-deb: dpkg-deb is missing (Debian's dpkg)" >&2; exit 1; }

# First: the plugin builds the tool again (without the static runtime) in the same scratch path.
echo "== man page (swift-argument-parser's generate-manual, from the same definitions as --help)"
swift package --scratch-path .build-deb --allow-writing-to-package-directory generate-manual --authors "RecallFS" \
  > "$OUT/package-deb-build.log" 2>&1 || { tail -30 "$OUT/package-deb-build.log" >&2; exit 1; }
MAN=$(find .build-deb/plugins/GenerateManual/outputs -name recallfs.1 | head -1)
[[ -s "$MAN" ]] || { echo "package-deb: no man page was generated" >&2; exit 1; }

echo "== release build (static Swift runtime)"
rm -f .build-deb/release/recallfs   # the plugin's dynamic build: SwiftPM would not relink it for the flag alone
swift build -c release --static-swift-stdlib --scratch-path .build-deb >> "$OUT/package-deb-build.log" 2>&1 \
  || { tail -30 "$OUT/package-deb-build.log" >&2; exit 1; }
BIN=.build-deb/release/recallfs
VERSION=$("$BIN" --version)
ARCH=$(dpkg --print-architecture)

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
install -D -m 0755 "$BIN" "$STAGE/usr/bin/recallfs"
strip --strip-unneeded "$STAGE/usr/bin/recallfs" 2>/dev/null || true
install -D -m 0755 mountscripts/mount.fuse.recallfs "$STAGE/usr/sbin/mount.fuse.recallfs"
install -D -m 0755 mountscripts/recallfs-cleanup "$STAGE/usr/bin/recallfs-cleanup"
install -D -m 0644 mountscripts/recallfs.service "$STAGE/usr/lib/systemd/user/recallfs.service"
install -D -m 0644 "$MAN" "$STAGE/usr/share/man/man1/recallfs.1"
gzip -9n "$STAGE/usr/share/man/man1/recallfs.1"
mkdir -p "$STAGE/usr/share/bash-completion/completions" "$STAGE/usr/share/zsh/vendor-completions" \
  "$STAGE/usr/share/fish/vendor_completions.d"
"$BIN" --generate-completion-script bash > "$STAGE/usr/share/bash-completion/completions/recallfs"
"$BIN" --generate-completion-script zsh > "$STAGE/usr/share/zsh/vendor-completions/_recallfs"
"$BIN" --generate-completion-script fish > "$STAGE/usr/share/fish/vendor_completions.d/recallfs.fish"
install -D -m 0644 README.md "$STAGE/usr/share/doc/recallfs/README.md"
gzip -9n "$STAGE/usr/share/doc/recallfs/README.md"
cat > "$STAGE/usr/share/doc/recallfs/copyright" <<COPY
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: recallfs
Files: *
Copyright: the RecallFS authors
License: see the project's repository
COPY
SIZE=$(du -sk "$STAGE" | cut -f1)
mkdir -p "$STAGE/DEBIAN"
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: recallfs
Version: $VERSION
Architecture: $ARCH
Maintainer: RecallFS <recallfs@localhost>
Depends: fuse3, libsqlite3-0, libcurl4, libpq5
Section: utils
Priority: optional
Installed-Size: $SIZE
Homepage: https://pypi.org/project/memos/
Description: Pensieve screen history as plain files (FUSE)
 RecallFS mounts a Pensieve (memos) screen history as plain files: documents,
 searches as directories, a timeline by day, apps, the screenshots themselves
 and metadata as extended attributes, API first with a read-only SQLite
 fallback.
CONTROL
find "$STAGE" -type d -exec chmod 0755 {} +
DEB="$OUT/recallfs_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group --build "$STAGE" "$DEB" > /dev/null
echo "$DEB"

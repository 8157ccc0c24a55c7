# The Debian package: scripts/package-deb.sh builds it; dpkg -i installs it on this machine; the
# installed binary mounts (directly and through mount(8) with the installed fstab helper); the man
# page, the completions and the systemd unit are in place; dpkg -r removes it and nothing is left.
if [[ $(id -u) -ne 0 ]] || ! command -v dpkg-deb > /dev/null; then echo "   (needs root and dpkg: skipped)"; return; fi
if dpkg -s recallfs > /dev/null 2>&1; then fail "recallfs is already installed on this machine: not touching it"; return; fi
deb=$("$ROOT/scripts/package-deb.sh" "$WORK" 2>"$WORK/package.err" | tail -1)
check "package built ($(tail -3 "$WORK/package.err" 2>/dev/null))" test -s "$deb"
[[ -s "$deb" ]] || return
version=$("$RECALLFS_BIN" --version)
assert_contains "$deb" "recallfs_${version}_$(dpkg --print-architecture).deb" "package name carries the version"
assert_eq "fuse3, libsqlite3-0, libcurl4, libpq5" "$(dpkg-deb -f "$deb" Depends)" "package depends on fuse3, libsqlite3-0, libcurl4, libpq5"
check "dpkg -i installs it" dpkg -i "$deb"
files=$(dpkg -L recallfs | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)
assert_eq "$version" "$(/usr/bin/recallfs --version)" "installed binary answers --version"
check "installed binary needs no Swift runtime" bash -c "! ldd /usr/bin/recallfs | grep -q libswift"
for f in /usr/sbin/mount.fuse.recallfs /usr/bin/recallfs-cleanup /usr/lib/systemd/user/recallfs.service \
         /usr/share/man/man1/recallfs.1.gz /usr/share/bash-completion/completions/recallfs \
         /usr/share/zsh/vendor-completions/_recallfs /usr/share/fish/vendor_completions.d/recallfs.fish; do
  check "package installs $f" test -s "$f"
done
check "the man page documents mount's flags" bash -c "zcat /usr/share/man/man1/recallfs.1.gz | grep -q -- 'allow-tag-writes'"
check "bash completion completes subcommands" bash -c "grep -q 'mount' /usr/share/bash-completion/completions/recallfs"
# Mount with the installed binary, then through mount(8) and the installed helper.
M="$WORK/mnt"; mkdir -p "$M"
/usr/bin/recallfs mount "$M" --db "$PENSIEVE_DB" --no-api --cache-dir "$WORK/cache" > /dev/null || fail "installed binary mounts"
MOUNTS+=("$M"); PIDS+=("$(daemon_pid "$M")")
check "installed binary serves documents" test "$(ls "$M/documents" | wc -l)" -gt 0
assert_eq "fuse.recallfs" "$(awk -v m="$M" '$2 == m {print $3}' /proc/mounts)" "installed mount is fuse.recallfs"
unmount_fs "$M"
if [[ -d /sbin ]] && [[ -e /sbin/mount.fuse.recallfs ]]; then
  echo "$PENSIEVE_DB $M fuse.recallfs noauto,nofail,x-systemd.automount,no-api,cache-dir=$WORK/cache 0 0" > "$WORK/fstab"
  out=$(mount -T "$WORK/fstab" "$M" 2>&1)
  check "mount -T fstab with the installed helper ($out)" is_mounted "$M"
  pid=$(daemon_pid "$M"); PIDS+=("$pid")
  check "umount(8) of the packaged mount" umount "$M"
  wait_gone "$pid"
fi
check "dpkg -r removes it" dpkg -r recallfs
check "dpkg no longer lists it" bash -c "! dpkg -s recallfs 2>/dev/null | grep -q '^Status: install ok installed'"
left=$(for f in $files; do [[ -e "$f" ]] && echo "$f"; done)
assert_eq "" "$left" "no installed file is left after dpkg -r"

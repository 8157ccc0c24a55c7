# The fstab helper (through mount(8) with a private fstab) and the systemd user unit, exercised for real.
M="$WORK/mnt"
mkdir -p "$M"

# fstab: mount -T <fstab> needs the helper in /sbin; install it for the test if it is not there.
helper=/sbin/mount.fuse.recallfs
installed_helper=0
if [[ ! -e $helper && $(id -u) -eq 0 ]]; then ln -s "$ROOT/mountscripts/mount.fuse.recallfs" $helper && installed_helper=1; fi
if [[ -e $helper ]]; then
  echo "$PENSIEVE_DB $M fuse.recallfs noauto,nofail,no_api,cache_dir=$WORK/cache,poll_interval=5 0 0" > "$WORK/fstab"
  out=$(RECALLFS_BIN="$RECALLFS_BIN" mount -T "$WORK/fstab" "$M" 2>&1)
  check "mount -T fstab: $out" is_mounted "$M"
  MOUNTS+=("$M"); pid=$(daemon_pid "$M"); PIDS+=("$pid")
  check "fstab mount serves documents" test "$(ls "$M/documents" | wc -l)" -gt 0
  check "umount(8) works" umount "$M"
  check "daemon exited after umount" wait_gone "$pid"
else
  echo "   (no root: running the helper directly)"
fi
((installed_helper)) && rm -f $helper
# The helper run directly, as mount(8) would: both spellings, options for mount(8) and systemd
# dropped before FUSE sees them, every daemon flag as an option.
fake="$WORK/fake-recallfs"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" > %s\n' "$WORK/argv" > "$fake"; chmod +x "$fake"
RECALLFS_BIN="$fake" "$ROOT/mountscripts/mount.fuse.recallfs" "$PENSIEVE_DB" "$M" -n -o \
  "rw,noauto,user,nouser,auto,_netdev,nofail,x-systemd.automount,x-systemd.device-timeout=5,defaults,cache-dir=/c,poll_interval=7,no-api,no_xattrs,library=a,library=b,time_zone_typo=1,allow_other,timezone=UTC,log-level=debug,api-max-body=1M,context=3"
argv=$(tr '\n' ' ' < "$WORK/argv")
assert_eq "mount $M --db $PENSIEVE_DB --cache-dir /c --poll-interval 7 --no-api --no-xattrs --library a --library b --timezone UTC --log-level debug --api-max-body 1M --context 3 -o time_zone_typo=1,allow_other " \
  "$argv" "helper translates spellings, drops mount(8) and systemd options, maps daemon flags"
RECALLFS_BIN="$fake" "$ROOT/mountscripts/mount.fuse.recallfs" recallfs "$M" -o "allow_tag_writes"
assert_eq "mount $M --allow-tag-writes " "$(tr '\n' ' ' < "$WORK/argv")" "source 'recallfs' means the default database"
out=$(RECALLFS_BIN="$fake" "$ROOT/mountscripts/mount.fuse.recallfs" "$PENSIEVE_DB" "$M" -o "cache_dir" 2>&1); rc=$?
check "an option without its value is refused ($out)" test "$rc" -ne 0
# The helper run directly, as mount(8) would, with options to translate.
out=$(RECALLFS_BIN="$RECALLFS_BIN" "$ROOT/mountscripts/mount.fuse.recallfs" "$PENSIEVE_DB" "$M" -o "defaults,noauto,no_api,cache_dir=$WORK/cache,attr_timeout=2" 2>&1)
check "helper mounts: $out" is_mounted "$M"
MOUNTS+=("$M"); pid=$(daemon_pid "$M"); PIDS+=("$pid")
check "helper passed cache_dir" test -f "$WORK/cache/index.sqlite"
check "unmount" "$RECALLFS_BIN" unmount "$M"
check "helper daemon exited" wait_gone "$pid"

# systemd user unit: run its commands as systemd would, with %h and the binary path substituted.
unit="$ROOT/mountscripts/recallfs.service"
home="$WORK/home"; mkdir -p "$home/.memos"; ln -sf "$PENSIEVE_DB" "$home/.memos/database.db"
line() { sed -n "s/^$1=-\{0,1\}//p" "$unit" | sed "s#%h#$home#g; s#/usr/bin/recallfs#$RECALLFS_BIN#g"; }
for key in ExecStart ExecStop ExecReload WantedBy; do check "unit has $key" grep -q "^$key=" "$unit"; done
for want in "Type=notify" "Restart=on-failure" "ExecStartPre=-/bin/fusermount3 -uz %h/recall" "WatchdogSec="; do
  check "unit has $want" grep -q "^$want" "$unit"
done
HOME="$home" XDG_CACHE_HOME="$home/.cache" bash -c "$(line ExecStartPre)"
HOME="$home" XDG_CACHE_HOME="$home/.cache" bash -c "exec $(line ExecStart)" 2> "$WORK/unit.log" &
unit_pid=$!; PIDS+=("$unit_pid"); MOUNTS+=("$home/recall")
for _ in $(seq 1 50); do is_mounted "$home/recall" && break; sleep 0.1; done
check "unit's ExecStart mounts ~/recall" is_mounted "$home/recall"
check "unit mount uses the default database path" test "$(ls "$home/recall/documents" | wc -l)" -gt 0
assert_eq 700 "$(stat -c %a "$home/.cache/recallfs")" "default cache dir is private"
HOME="$home" bash -c "$(line ExecStop)"
check "unit's ExecStop ends the daemon" wait_gone "$unit_pid"
check "unit's ExecStop leaves no mount" wait_unmounted "$home/recall"

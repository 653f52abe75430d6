#!/usr/bin/env bash
# The admin guide's install, run as written in a clean Debian system with a real useradd.
#
#   sudo tests/install_trial.sh [ROOT]
#
# ROOT (default /var/tmp/sheetsync-install-trial) is a Debian bookworm tree made with
# debootstrap on first use and copied afresh for every trial, so each run starts from a
# system that has never seen sheetsync. The script takes the sh blocks between the
# "install-steps" markers of docs/admin.md, puts a clone of this repository where the guide
# says "<the sheetsync repository>", and runs each line in the chroot as root, stopping at
# the first that fails. It needs root, debootstrap and the Debian package mirror; it is a
# trial of the docs, not part of `make test`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-/var/tmp/sheetsync-install-trial}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ ! -x "$base/usr/bin/python3" ]; then
  debootstrap --variant=minbase \
    --include=python3,python3-venv,make,git,sudo,passwd,ca-certificates \
    bookworm "$base" "$mirror"
fi
root=$(mktemp -d /var/tmp/sheetsync-trial.XXXXXX)
cleanup() { umount -l "$root/proc" 2>/dev/null || true; rm -rf "$root"; }
trap cleanup EXIT
cp -a "$base/." "$root/"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This host's way to the package index (a proxy's CA, a pip.conf) is the network's, not the
# guide's: the trial system gets it as an admin's host would already have it.
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"
git clone -q --bare "$repo" "$root/opt/sheetsync.git"

steps=$(awk '/<!-- install-steps: end/{on=0} on && /^```/{block=!block; next} on && block{print}
             /<!-- install-steps: tests/{on=1}' "$repo/docs/admin.md")
[ -n "$steps" ] || { echo "no install steps found in docs/admin.md"; exit 1; }
steps=${steps//<the sheetsync repository>//opt/sheetsync.git}
printf '%s\n' "$steps" > "$root/opt/steps.sh"
echo "== the guide's steps, as run:"; cat "$root/opt/steps.sh"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  bash -euxo pipefail /opt/steps.sh
# What the guide promises afterwards.
chroot "$root" test -f /srv/sheetsync/demo-output/acme-rollout.xlsx
[ "$(chroot "$root" stat -c %U /srv/sheetsync/.venv)" = sheetsync ]
[ "$(chroot "$root" stat -c '%U %a' /var/lib/sheetsync)" = "sheetsync 700" ]
echo "== install trial passed: the guide's steps work as written"

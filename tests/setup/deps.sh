#!/bin/sh
# tools/deps checks what is present before installing anything: with every
# need present it does nothing, with apt-get it installs only the missing
# needs' packages, and without apt-get it names what is missing with this
# platform's install line and exits 1. Runs tools/deps under a PATH of its
# own: /usr/bin and /usr/sbin without apt-get, plus shims (apt-get, sudo
# and pkg-config that record or hide) where a case needs them.
# Prints TAP lines and ends "deps: N passed, N failed".
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
. "$(dirname "$0")/tap.sh"
TAP_DETAIL="$work/err $work/apt.log"

# bin/: every command of the system but apt-get (Debian 12 merges /bin
# into /usr/bin). shim/: pkg-config hiding the modules named in
# DEPS_HIDE; apt-get and sudo recording their arguments; uname saying
# Darwin when DEPS_UNAME is set.
mkdir "$work/bin" "$work/shim"
find /usr/bin /usr/sbin -maxdepth 1 ! -type d ! -name apt-get \
    ! -name pkg-config ! -name uname -exec ln -s -t "$work/bin" {} + \
    2>/dev/null
real_pkgconfig=$(command -v pkg-config)
real_uname=$(command -v uname)
cat > "$work/shim/pkg-config" <<EOF
#!/bin/sh
for a in "\$@"; do
	case " \${DEPS_HIDE:-} " in *" \$a "*) exit 1 ;; esac
done
exec "$real_pkgconfig" "\$@"
EOF
cat > "$work/shim/uname" <<EOF
#!/bin/sh
[ -n "\${DEPS_UNAME:-}" ] && [ "\${1:-}" = -s ] && { echo "\$DEPS_UNAME"; exit 0; }
exec "$real_uname" "\$@"
EOF
cat > "$work/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$*" >> "$work/apt.log"
EOF
cat > "$work/sudo" <<EOF
#!/bin/sh
echo "sudo \$*" >> "$work/apt.log"
exec "\$@"
EOF
chmod +x "$work/shim/"* "$work/apt-get" "$work/sudo"
base="$work/shim:$work/bin"
# An os-release for each platform that has no apt-get.
for id in fedora arch alpine; do
	printf 'ID=%s\nNAME=test\n' "$id" > "$work/os-$id"
done

# deps PATH [VAR=VALUE...] -- ARGS: tools/deps with that PATH; stderr in
# $work/err, the recorded apt-get/sudo calls in $work/apt.log.
deps() {
	path=$1; shift
	: > "$work/apt.log"
	env -i HOME="$work" PATH="$path" "$@" "$src/tools/deps" $DEPS_ARGS \
	    > /dev/null 2> "$work/err"
}
with_apt() {
	mkdir -p "$work/apt"
	cp "$work/apt-get" "$work/sudo" "$work/apt/"
	echo "$work/apt:$base"
}
has() { grep -qF -- "$1" "$work/err"; }

DEPS_ARGS=--test
deps "$base"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$work/err" ] && [ ! -s "$work/apt.log" ]
result $? "no apt-get, everything present (--test): exit 0, silent (rc $rc)"

deps "$(with_apt)"
[ $? -eq 0 ] && [ ! -s "$work/apt.log" ] && [ ! -s "$work/err" ]
result $? "apt-get present, everything present: apt-get is not run"

DEPS_ARGS=
deps "$(with_apt)" DEPS_HIDE=json-c
[ $? -eq 0 ] &&
    grep -qx 'apt-get install -y -qq --no-install-recommends libjson-c-dev' \
    "$work/apt.log" && [ "$(grep -c install "$work/apt.log")" = 1 ] &&
    has "missing json-c"
result $? "apt-get present, json-c missing: installs libjson-c-dev only"

DEPS_ARGS=--test
deps "$(with_apt)" DEPS_HIDE=check
grep -qx 'apt-get install -y -qq --no-install-recommends check libsubunit-dev' \
    "$work/apt.log" && ! grep -q 'libjson-c-dev\|nodejs' "$work/apt.log"
result $? "--test, check missing: installs check and libsubunit-dev only"

rm "$work/bin/jq" "$work/bin/oathtool"
deps "$(with_apt)"
grep -qx 'apt-get install -y -qq --no-install-recommends jq oathtool' \
    "$work/apt.log"
result $? "--test, jq and oathtool missing: installs exactly those"

DEPS_ARGS=
deps "$base" DEPS_HIDE=json-c OS_RELEASE="$work/os-fedora"
[ $? -eq 1 ] && has "missing json-c" && has "sudo dnf install json-c-devel" &&
    [ ! -s "$work/apt.log" ]
result $? "Fedora, no apt-get, json-c missing: exit 1, 'sudo dnf install json-c-devel'"

deps "$base" DEPS_HIDE="libcrypto sqlite3" OS_RELEASE="$work/os-alpine"
[ $? -eq 1 ] && has "missing sqlite3 libcrypto" &&
    has "sudo apk add sqlite-dev openssl-dev"
result $? "Alpine, sqlite3 and libcrypto missing: 'sudo apk add sqlite-dev openssl-dev'"

DEPS_ARGS=--test
deps "$base" OS_RELEASE="$work/os-arch"
[ $? -eq 1 ] && has "missing jq oathtool" &&
    has "sudo pacman -S --needed jq oath-toolkit"
result $? "Arch, --test, jq and oathtool missing: 'sudo pacman -S --needed jq oath-toolkit'"

rm "$work/bin/chromium"
deps "$base" DEPS_UNAME=Darwin DEPS_HIDE=libcrypto
[ $? -eq 1 ] && has "brew install openssl@3 jq oath-toolkit" &&
    has "brew install --cask chromium" && has "keg-only"
result $? "macOS: 'brew install openssl@3 jq oath-toolkit', chromium as a cask, keg-only note"

deps "$base" DEPS_HIDE=json-c OS_RELEASE=/nonexistent
[ $? -eq 1 ] && has "sudo apt-get install libjson-c-dev"
result $? "unknown platform without apt-get: exit 1 with the Debian package names"

tap_end deps

#!/usr/bin/env bash
# The two install routes that need no root, tested from a build directory:
# `cmake --install` into a prefix (what `make install PREFIX=...` runs), and
# the Debian package CPack builds (`make deb`), unpacked with dpkg -x. Each
# installed certmint must run, with its manual page and completions in place.
# Usage: scripts/test-install.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check_tree() {  # ROOT PREFIX ZSH_DIR
  local root=$1 prefix=$2 zsh_dir=$3
  local bin="$root$prefix/bin/certmint"
  "$bin" --version | grep -q '^certmint ' || { echo "FAIL: $bin --version"; exit 1; }
  for f in "share/man/man1/certmint.1" "share/bash-completion/completions/certmint" \
           "share/zsh/$zsh_dir/_certmint" "share/doc/certmint/README.md" \
           "share/doc/certmint/docs/stores.md" "share/doc/certmint/examples/kafka-cluster.yaml"; do
    [ -f "$root$prefix/$f" ] || { echo "FAIL: $root$prefix/$f missing"; exit 1; }
  done
  # The installed manual renders without a warning.
  local warnings
  warnings=$(groff -man -Tutf8 -ww -z "$root$prefix/share/man/man1/certmint.1" 2>&1)
  [ -z "$warnings" ] || { echo "FAIL: groff: $warnings"; exit 1; }
  # The installed bash completion completes a command.
  local got
  got=$(bash -c "source '$root$prefix/share/bash-completion/completions/certmint'
                 COMP_WORDS=(certmint iss); COMP_CWORD=1; _certmint; echo \"\${COMPREPLY[*]}\"")
  [ "$got" = "issue" ] || { echo "FAIL: bash completion gave '$got'"; exit 1; }
}

# 1. cmake --install into a prefix the user owns.
cmake --install "$build" --prefix "$work/prefix" --strip >/dev/null
check_tree "" "$work/prefix" site-functions
echo "cmake --install: ok"

# 2. The Debian package, unpacked without root.
(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null)
deb=$(ls "$work"/pkg/certmint_*.deb)
info=$(dpkg-deb --info "$deb")
for field in "Package: certmint" "Version: " "Depends: .*libssl3" "Section: utils"; do
  grep -q "$field" <<<"$info" || { echo "FAIL: $field not in:"; echo "$info"; exit 1; }
done
dpkg -x "$deb" "$work/root"
check_tree "$work/root" /usr vendor-completions
echo "Debian package $(basename "$deb"): ok"

#!/usr/bin/env bash
# The documentation speaks to users from inside the repository: every relative
# link in README.md and docs/*.md reaches a file of the repository (and a
# heading of it, for #anchors), and no page points outside it (the project's
# working notes are not part of it) or uses their jargon.
# Usage: scripts/check-docs.sh [REPO_DIR]
set -uo pipefail
cd "${1:-$(dirname "$0")/..}" || exit 2

fail=0
# GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
slug() { tr 'A-Z' 'a-z' | sed -e 's/[^a-z0-9 _-]//g' -e 's/ /-/g'; }
anchors_of() { awk '/^ *```/ { code = !code; next } !code' "$1" | grep -E '^#+ ' |
                 sed -E 's/^#+ //' | slug; }

for page in README.md docs/*.md; do
  if grep -nE "shared/(docs|seed)|\.\./shared|the seed's|seed recipe" "$page"; then
    echo "FAIL: $page refers to files outside the repository or to their jargon"
    fail=1
  fi
  dir=$(dirname "$page")
  while IFS= read -r link; do
    case "$link" in http://* | https://* | mailto:*) continue ;; esac
    file=${link%%#*}
    anchor=${link#"$file"}
    anchor=${anchor#\#}
    target=$page
    if [ -n "$file" ]; then
      target=$(realpath -m "$dir/$file")
      case "$target" in "$PWD"/*) ;; *)
        echo "FAIL: $page links outside the repository: $link"; fail=1; continue ;;
      esac
      [ -e "$target" ] || { echo "FAIL: $page: $link does not exist"; fail=1; continue; }
    fi
    if [ -n "$anchor" ] && [ -f "$target" ] && ! anchors_of "$target" | grep -qxF "$anchor"; then
      echo "FAIL: $page: no heading for #$anchor in ${file:-$page}"
      fail=1
    fi
  done < <(awk '/^ *```/ { code = !code; next } !code' "$page" |
           grep -oE '\]\([^) ]+\)' | sed -E 's/^\]\((.*)\)$/\1/')
done
[ "$fail" -eq 0 ] && echo "docs: every link stays in the repository and resolves"
exit "$fail"

#!/usr/bin/env bash
# Print the newest working Python >= 3.11 on this machine (pyenv shims that fail are skipped).
# PYTHON=... overrides. Exits 1 with a message when there is none.
set -u
if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; exit 0; fi
candidates=()
for v in 3.14 3.13 3.12 3.11; do
  candidates+=("python$v")
  for d in "$HOME"/.pyenv/versions/"$v"*/bin /usr/local/bin /usr/bin; do
    [ -x "$d/python$v" ] && candidates+=("$d/python$v")
  done
done
candidates+=(python3)
best=""; best_v=0
for c in "${candidates[@]}"; do
  v=$("$c" -c 'import sys, venv; print(sys.version_info[0]*100+sys.version_info[1])' 2>/dev/null) || continue
  if [ "$v" -ge 311 ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
done
if [ -z "$best" ]; then echo "no Python >= 3.11 with venv found; install one or set PYTHON=" >&2; exit 1; fi
command -v "$best" 2>/dev/null || echo "$best"

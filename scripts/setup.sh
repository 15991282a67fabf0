#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu checkout: system packages, .venv, netir with every extra.
# Usage: scripts/setup.sh [debian packages...]   (graphviz is always ensured)
set -euo pipefail
cd "$(dirname "$0")/.."
packages=("$@")
command -v dot >/dev/null 2>&1 || packages+=(graphviz)
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
missing=()
for p in "${packages[@]}"; do
  case "$p" in
    chromium) command -v chromium >/dev/null 2>&1 || missing+=("$p") ;;
    *) dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p") ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -c constraints.txt -e '.[all]'

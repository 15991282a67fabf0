#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu checkout: system packages, .venv, netir with every extra.
# Usage: scripts/setup.sh [debian packages...]   (graphviz is always ensured)
# Cost: about 2.8 GB in .venv (TensorFlow 1.3 GB, torch 0.75 GB); a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "setup: $*"; }
packages=("$@")
command -v dot >/dev/null 2>&1 || packages+=(graphviz)
# The gallery's Chinese pages and diagrams need a CJK font.
fc-list :lang=zh 2>/dev/null | grep -q . || packages+=(fonts-noto-cjk)
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
missing=()
for p in "${packages[@]}"; do
  case "$p" in
    chromium) command -v chromium >/dev/null 2>&1 || missing+=("$p") ;;
    *) dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p") ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "system packages present"
fi
if [ -x .venv/bin/python ]; then
  say "using the existing .venv"
else
  say "creating .venv"
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
say "installing netir with every extra, pinned by constraints.txt"
say "(torch CPU and TensorFlow: about 2.8 GB on disk; minutes on a cold pip cache)"
.venv/bin/python -m pip install -q -c constraints.txt -e '.[all]'
say "done: $(.venv/bin/python -c 'import netir; print("netir", netir.__version__)') in .venv"

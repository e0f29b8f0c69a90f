#!/usr/bin/env bash
# Everything perfcell and its tests need on a fresh Debian machine with Node 20: perf, valgrind,
# a C compiler, Chromium (HTML report tests), hyperfine, zsh and fish (completion tests), then the
# npm packages and the build.
# Installs only what is missing, so it is quick the second time.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v perf >/dev/null 2>&1 && perf --version >/dev/null 2>&1 || missing+=(linux-perf)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v pgrep >/dev/null 2>&1 || missing+=(procps)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
# The last-interval tests slow perf's writes with strace (a perf preempted while it prints a tick).
command -v strace >/dev/null 2>&1 || missing+=(strace)
# compare --export-hyperfine is checked against hyperfine's own --export-json (and the pace benchmarks run it).
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
# The completion scripts are tested in the shells they are for (bash is here already).
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
command -v fish >/dev/null 2>&1 || missing+=(fish)
# The doctor's hand-over test gives a copy of perf file capabilities (setcap).
command -v setcap >/dev/null 2>&1 || missing+=(libcap2-bin)
# The kernel tests drive perfcell kernel with real Jupyter clients; Debian's python, not a pyenv one.
/usr/bin/python3 -c 'import nbclient, jupyter_client' >/dev/null 2>&1 || missing+=(python3-jupyter-client python3-nbclient)
if [ "${PERFCELL_SETUP_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# package.json's allowScripts approves the install scripts of esbuild, node-pty and zeromq: npm
# 11.16+ lists unapproved ones after every install, and npm 12 skips them, where node-pty (the pty
# tests) would have no native module (it ships no Linux prebuild and compiles one).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent

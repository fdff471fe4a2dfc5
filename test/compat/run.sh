#!/usr/bin/env bash
# Runs the compatibility projects against a packed nestjs-djust tarball, each as a
# user would: a copy of the project outside this repository (so nothing resolves
# from the repository's own node_modules: Nest 12, its @types), `npm ci` from the
# project's lockfile, the tarball installed without saving, then `npm test`.
# Usage: bash test/compat/run.sh path/to/nestjs-djust-x.y.z.tgz [project ...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tarball="$(realpath "${1:?usage: run.sh <nestjs-djust tarball> [project ...]}")"
shift
projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(nest11-cjs)

status=0
for project in "${projects[@]}"; do
  work="$(mktemp -d "${TMPDIR:-/tmp}/djust-compat-${project}.XXXXXX")"
  tar -C "$here/$project" --exclude=./node_modules --exclude=./dist -cf - . | tar -C "$work" -xf -
  start=$SECONDS
  if (
    cd "$work"
    npm ci --no-audit --no-fund --loglevel=error
    npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
    npm test
  ); then
    echo "compat ${project}: PASS ($((SECONDS - start)) s)"
  else
    echo "compat ${project}: FAIL ($((SECONDS - start)) s; project copy kept in ${work})"
    status=1
    continue
  fi
  # A CI machine is discarded anyway (and deleting ~400 packages is slow there).
  [ -n "${CI:-}" ] || rm -rf "$work"
done
exit $status

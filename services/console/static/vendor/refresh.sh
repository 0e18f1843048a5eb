#!/usr/bin/env bash
# Refresh a vendored asset from its npm package: services/console/static/vendor/refresh.sh [version]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${1:-2.0.11}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@${version}" >/dev/null && tar xzf htmx.org-*.tgz)
cp "$work/package/dist/htmx.min.js" "$here/htmx.min.js"
cp "$work/package/LICENSE" "$here/htmx.LICENSE"
echo "htmx.org ${version}: $(sha256sum "$here/htmx.min.js" | cut -d' ' -f1)"
echo "update the version in VENDORED.md and in the templates' cache-busting query if any"

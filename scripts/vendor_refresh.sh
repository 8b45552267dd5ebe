#!/usr/bin/env bash
# Re-fetch the vendored front-end packages from the npm registry and rewrite SHA256SUMS.
# Run by hand when upgrading a version (then update VENDOR.md); never at run time or in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack echarts@6.1.0 bootstrap@5.3.9 bootstrap-icons@1.13.1 >/dev/null)
for tgz in "$work"/*.tgz; do mkdir -p "${tgz%.tgz}" && tar xzf "$tgz" -C "${tgz%.tgz}"; done
dest=static/vendor
cp "$work"/echarts-6.1.0/package/dist/echarts.min.js "$work"/echarts-6.1.0/package/i18n/langRU.js "$dest/echarts/"
cp "$work"/bootstrap-5.3.9/package/dist/css/bootstrap.min.css "$work"/bootstrap-5.3.9/package/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp "$work"/bootstrap-icons-1.13.1/package/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp "$work"/bootstrap-icons-1.13.1/package/font/fonts/bootstrap-icons.woff2 "$work"/bootstrap-icons-1.13.1/package/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
(cd "$dest" && find . -type f ! -name SHA256SUMS ! -name '*.md' | sort | xargs sha256sum > SHA256SUMS)
echo "vendored files refreshed; review git diff static/vendor"
